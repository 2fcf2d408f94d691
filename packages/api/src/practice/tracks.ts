import { COMPETENCIES, QUESTION_BANK_VERSION, TRACKS, type Track } from '@tia/domain';

const TRACK_INFO: Record<Track, { name: string; description: string }> = {
  competency: {
    name: 'Competency-based interview',
    description:
      'Behavioural questions on teamwork, leadership, problem solving, communication and more: answer with a real example (STAR).',
  },
  ypp: {
    name: 'World Bank Young Professionals Program',
    description: 'Questions on the World Bank Group core competencies, as asked in YPP interviews.',
  },
  job: {
    name: 'Job-specific interview',
    description:
      'Questions generated from a job description you paste: role skills, behaviour and motivation.',
  },
};

export const tracks = () => ({
  tracks: TRACKS.map((id) => ({
    id,
    name: TRACK_INFO[id].name,
    description: TRACK_INFO[id].description,
    competencies: Object.values(COMPETENCIES)
      .filter((c) => c.track === id)
      .map((c) => ({ id: c.id, name: c.label })),
  })),
  questionBankVersion: QUESTION_BANK_VERSION,
});
