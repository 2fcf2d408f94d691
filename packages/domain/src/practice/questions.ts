/**
 * Versioned question banks for the competency-based and World Bank YPP tracks.
 * Written for TrueInterviewAI. Ids are stable: never renumber or reuse an id;
 * retire a question by removing it and bumping QUESTION_BANK_VERSION.
 */
import type { BankTrack, CompetencyId, Track } from './competencies';

export const QUESTION_BANK_VERSION = '2026-11-30.1';

export const QUESTION_KINDS = ['behavioural', 'motivation', 'role'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface Question {
  /** Stable id, e.g. `cb-teamwork-01`, `ypp-results-03`, `job-r04-sql`. */
  readonly id: string;
  readonly track: Track;
  readonly competency: CompetencyId;
  readonly kind: QuestionKind;
  readonly text: string;
  /** What a strong answer shows — shown to candidates after they answer. */
  readonly strongAnswerShows: readonly string[];
  /** Whether a STAR-structured answer (Situation, Task, Action, Result) is expected. */
  readonly expectsStar: boolean;
}

type Entry = readonly [suffix: string, text: string, shows: readonly string[]];

function bank(
  track: BankTrack,
  prefix: string,
  competency: CompetencyId,
  kind: QuestionKind,
  entries: readonly Entry[],
): readonly Question[] {
  return entries.map(([suffix, text, shows]) => ({
    id: `${prefix}-${suffix}`,
    track,
    competency,
    kind,
    text,
    strongAnswerShows: shows,
    expectsStar: kind === 'behavioural',
  }));
}

// ---------------------------------------------------------------------------
// Competency-based track (behavioural, STAR expected)
// ---------------------------------------------------------------------------

const TEAMWORK = bank('competency', 'cb-teamwork', 'teamwork', 'behavioural', [
  [
    '01',
    'Tell me about a time you worked in a team whose members had very different working styles. How did you make it work?',
    [
      'Names the specific differences and how they affected the work',
      'Concrete steps the candidate personally took to bridge them',
      'A result for the team’s output, ideally measured',
    ],
  ],
  [
    '02',
    'Describe a situation where a team project was falling behind. What did you do to help get it back on track?',
    [
      'How the candidate noticed the slippage and how far behind it was',
      'Specific actions: re-planning, taking on work, unblocking others',
      'Whether and by how much the deadline was recovered',
    ],
  ],
  [
    '03',
    'Give an example of a time you put the team’s goal ahead of your own preferences or recognition.',
    [
      'A real trade-off with something the candidate gave up',
      'Why the team goal mattered more',
      'The effect on the team and what the candidate learned',
    ],
  ],
  [
    '04',
    'Tell me about a time you disagreed with a colleague about how to approach a task. How was it resolved?',
    [
      'Both positions described fairly',
      'How the candidate listened, used evidence and looked for common ground',
      'The agreed outcome and the state of the working relationship afterwards',
    ],
  ],
  [
    '05',
    'Describe a time a teammate was not doing their share of the work. How did you handle it?',
    [
      'A private, respectful conversation before escalating',
      'Curiosity about the cause rather than blame',
      'A concrete change in workload or delivery as the outcome',
    ],
  ],
  [
    '06',
    'Tell me about a time you joined an established team. What did you do to become effective quickly?',
    [
      'Deliberate steps to learn people, norms and priorities',
      'An early contribution that built trust',
      'How long it took to become fully productive',
    ],
  ],
  [
    '07',
    'Give an example of working with people from another department or organisation to deliver something neither side could deliver alone.',
    [
      'Why the collaboration was necessary',
      'How goals, roles and communication were agreed',
      'The joint result and the candidate’s part in it',
    ],
  ],
  [
    '08',
    'Think of the most successful team you have been part of. What was your specific contribution to its success?',
    [
      'Clear separation of “I” from “we”',
      'A contribution others relied on',
      'Evidence of the team’s success (numbers, feedback, recognition)',
    ],
  ],
  [
    '09',
    'Describe a time you worked with a remote or distributed team. How did you keep everyone aligned?',
    [
      'The specific coordination problems of distance or time zones',
      'Practices the candidate introduced (rituals, documentation, tools)',
      'The measurable effect on delivery or misunderstandings',
    ],
  ],
  [
    '10',
    'Tell me about a time a colleague’s help changed the outcome of your work. How did you recognise or return it?',
    [
      'Honest acknowledgement of what the candidate could not do alone',
      'How credit was shared publicly',
      'A reciprocal action that strengthened the team',
    ],
  ],
  [
    '11',
    'Describe a time you had to share limited people, budget or time with another team. How did you reach a fair split?',
    [
      'The competing needs stated clearly',
      'A transparent way of deciding the split',
      'The result for both teams and the relationship',
    ],
  ],
]);

const LEADERSHIP = bank('competency', 'cb-leadership', 'leadership', 'behavioural', [
  [
    '01',
    'Tell me about a time you led a group without having formal authority over its members.',
    [
      'How the candidate earned influence instead of relying on position',
      'How direction and roles were set',
      'What the group achieved',
    ],
  ],
  [
    '02',
    'Describe a situation in which you had to motivate people who were discouraged or exhausted.',
    [
      'Understanding of why morale was low',
      'Specific actions that changed energy or workload',
      'A visible change in engagement or output',
    ],
  ],
  [
    '03',
    'Give an example of a time you delegated an important task. How did you choose the person and follow up?',
    [
      'A reasoned choice of who and why',
      'Clear expectations and a support/check-in rhythm',
      'The outcome for the task and for the person’s development',
    ],
  ],
  [
    '04',
    'Tell me about a decision you made as a leader that was unpopular at first. How did you handle the reaction?',
    [
      'The reasoning and evidence behind the decision',
      'How the candidate explained it and listened to objections',
      'Whether the decision proved right and what changed',
    ],
  ],
  [
    '05',
    'Describe a time you helped someone on your team develop a new skill or grow into a bigger role.',
    [
      'A specific development need identified',
      'Coaching, stretch work or feedback given over time',
      'Evidence of the person’s growth',
    ],
  ],
  [
    '06',
    'Tell me about a time you had to set a direction for a project when the goal was vague.',
    [
      'How the candidate clarified the goal with stakeholders',
      'A concrete plan with milestones',
      'The result compared with the original ambiguity',
    ],
  ],
  [
    '07',
    'Describe a time you had to give difficult feedback to someone you were leading.',
    [
      'Preparation and a specific, behaviour-focused message',
      'Respect for the person during the conversation',
      'The change in behaviour or performance afterwards',
    ],
  ],
  [
    '08',
    'Tell me about a time you took responsibility for a failure of a team you led.',
    ['No blame shifting', 'Actions to repair the damage', 'Changes made so it would not recur'],
  ],
  [
    '09',
    'Give an example of a time you stepped up to lead because nobody else did.',
    [
      'The gap and why it mattered',
      'The first concrete steps the candidate took',
      'What the intervention achieved',
    ],
  ],
  [
    '10',
    'Describe a time you had to lead a change that people resisted.',
    [
      'Understanding of the reasons for resistance',
      'How people were involved and persuaded',
      'Adoption or results after the change',
    ],
  ],
  [
    '11',
    'Tell me about a time you had to balance the needs of individual team members against a hard deadline.',
    [
      'Empathy for the individuals involved',
      'A practical arrangement that protected the deadline',
      'How both the deadline and the people fared',
    ],
  ],
]);

const PROBLEM_SOLVING = bank('competency', 'cb-problem', 'problem-solving', 'behavioural', [
  [
    '01',
    'Tell me about the most difficult problem you solved in the last two years. How did you approach it?',
    [
      'A clear statement of why the problem was hard',
      'A structured approach: breaking it down, data, options',
      'A verified result',
    ],
  ],
  [
    '02',
    'Describe a time you had to find the root cause of a recurring problem.',
    [
      'How symptoms were separated from causes',
      'The evidence that pinpointed the root cause',
      'A fix that stopped the recurrence, with proof',
    ],
  ],
  [
    '03',
    'Give an example of when you had to make a recommendation with incomplete data.',
    [
      'What was known, unknown and assumed',
      'How risk from the gaps was limited',
      'The recommendation and how it turned out',
    ],
  ],
  [
    '04',
    'Tell me about a time your first solution to a problem did not work. What did you do next?',
    [
      'Honest account of why the first attempt failed',
      'What the candidate learned and changed',
      'The eventual result',
    ],
  ],
  [
    '05',
    'Describe a time you simplified a complicated process.',
    [
      'The cost of the complexity (time, errors, money)',
      'How the candidate redesigned it and got agreement',
      'Measured improvement after the change',
    ],
  ],
  [
    '06',
    'Tell me about a time you used data or evidence to challenge an assumption.',
    [
      'The assumption and who held it',
      'The analysis and how it was presented',
      'The decision that changed as a result',
    ],
  ],
  [
    '07',
    'Give an example of a creative or unconventional solution you came up with.',
    [
      'Why conventional approaches were not enough',
      'Where the idea came from and how it was tested',
      'The impact compared with the usual approach',
    ],
  ],
  [
    '08',
    'Describe a situation where you had to solve a problem under significant time pressure.',
    [
      'How the candidate prioritised and stayed calm',
      'Trade-offs made knowingly',
      'Result delivered within the time available',
    ],
  ],
  [
    '09',
    'Tell me about a time you spotted a problem before it became serious.',
    [
      'The early signal and why others missed it',
      'Preventive action taken',
      'The estimated cost that was avoided',
    ],
  ],
  [
    '10',
    'Describe a time you had to choose between several possible solutions. How did you decide?',
    [
      'Explicit criteria for comparing options',
      'Consideration of risks and stakeholders',
      'The choice and how it performed',
    ],
  ],
]);

const COMMUNICATION = bank('competency', 'cb-communication', 'communication', 'behavioural', [
  [
    '01',
    'Tell me about a time you had to explain a complex or technical topic to a non-expert audience.',
    [
      'Knowledge of the audience and what they needed to decide',
      'Techniques used: analogies, visuals, removing jargon',
      'Evidence the audience understood and acted',
    ],
  ],
  [
    '02',
    'Describe a time you had to deliver bad news to a client, manager or colleague.',
    ['Timeliness and honesty', 'A clear message plus options or a plan', 'How the relationship held up'],
  ],
  [
    '03',
    'Give an example of a document or presentation you produced that changed someone’s decision.',
    [
      'The decision at stake and the audience',
      'How the content was structured to persuade',
      'The decision that followed',
    ],
  ],
  [
    '04',
    'Tell me about a time a misunderstanding caused a problem. How did you fix it and prevent it happening again?',
    [
      'Ownership of the candidate’s part in the misunderstanding',
      'Quick repair of the immediate problem',
      'A lasting change in how information is shared',
    ],
  ],
  [
    '05',
    'Describe a situation where you had to persuade someone who initially disagreed with you.',
    [
      'Understanding of the other person’s concerns',
      'Evidence and framing tailored to them',
      'The outcome, including any compromise',
    ],
  ],
  [
    '06',
    'Tell me about a time you had to adapt the same message for very different audiences.',
    [
      'How each audience differed',
      'What the candidate changed for each (content, format, tone)',
      'How each audience responded',
    ],
  ],
  [
    '07',
    'Describe a time you had to listen carefully to understand someone’s real concern.',
    [
      'Active listening and clarifying questions',
      'The concern that surfaced beneath the first request',
      'How addressing it changed the outcome',
    ],
  ],
  [
    '08',
    'Give an example of when you had to communicate in a tense or emotional situation.',
    [
      'Control of tone and emotions',
      'Acknowledging feelings while keeping to facts',
      'De-escalation and a practical next step',
    ],
  ],
  [
    '09',
    'Tell me about a time you presented to senior people. How did you prepare?',
    [
      'Preparation focused on what the seniors needed',
      'A concise storyline with the recommendation up front',
      'The decision or feedback that came out of it',
    ],
  ],
  [
    '10',
    'Describe a time you had to keep many stakeholders informed during a fast-moving project.',
    [
      'A deliberate communication plan or rhythm',
      'Right level of detail for each group',
      'Fewer surprises or escalations as a result',
    ],
  ],
]);

const ADAPTABILITY = bank('competency', 'cb-adaptability', 'adaptability', 'behavioural', [
  [
    '01',
    'Tell me about a time your priorities changed suddenly. How did you adjust?',
    [
      'How quickly the candidate re-planned',
      'What was dropped or renegotiated, and with whom',
      'What was delivered under the new priorities',
    ],
  ],
  [
    '02',
    'Describe a time you had to learn a new skill or tool quickly to do your job.',
    [
      'A deliberate learning strategy',
      'How quickly the skill was applied',
      'The result the new skill made possible',
    ],
  ],
  [
    '03',
    'Give an example of a time you worked in an unfamiliar culture or environment.',
    [
      'Awareness of the differences',
      'Specific adjustments in behaviour or approach',
      'How effective the candidate became',
    ],
  ],
  [
    '04',
    'Tell me about a time a plan you were relying on fell apart. What did you do?',
    [
      'A calm assessment of the new situation',
      'A fast alternative plan',
      'How much of the original goal was saved',
    ],
  ],
  [
    '05',
    'Describe a time you received critical feedback. How did you respond, and what changed?',
    ['Openness rather than defensiveness', 'A concrete change in behaviour', 'Evidence the change worked'],
  ],
  [
    '06',
    'Tell me about a time you had much less time or fewer resources than you expected.',
    [
      'Clear prioritisation of what mattered most',
      'Resourceful workarounds',
      'What was delivered and what was consciously left out',
    ],
  ],
  [
    '07',
    'Describe a time you changed your mind after new information emerged.',
    [
      'The original view and why it was reasonable',
      'The new information and how it was weighed',
      'What the candidate did differently as a result',
    ],
  ],
  [
    '08',
    'Give an example of how you handled an organisational change, such as a restructure or a new manager.',
    [
      'Constructive attitude towards the change',
      'Actions to stay effective and help others adapt',
      'The outcome for the candidate’s work',
    ],
  ],
  [
    '09',
    'Tell me about a time you had to juggle several urgent tasks at once.',
    [
      'A method to prioritise and communicate trade-offs',
      'Managing stakeholders’ expectations',
      'Which deadlines were met',
    ],
  ],
  [
    '10',
    'Describe a time you stepped outside your job description to meet a need.',
    [
      'The need and why nobody else covered it',
      'How the candidate learned what was necessary',
      'The value delivered',
    ],
  ],
]);

const INTEGRITY = bank('competency', 'cb-integrity', 'integrity', 'behavioural', [
  [
    '01',
    'Tell me about a time you were asked to do something you felt was not right. What did you do?',
    [
      'The ethical issue stated plainly',
      'Courage to raise it through appropriate channels',
      'The outcome and any personal cost accepted',
    ],
  ],
  [
    '02',
    'Describe a time you made a mistake that others had not noticed. How did you handle it?',
    ['Proactive disclosure', 'Steps to fix the consequences', 'Changes to prevent a repeat'],
  ],
  [
    '03',
    'Give an example of when you had to keep information confidential despite pressure to share it.',
    [
      'Understanding of why the information was protected',
      'A tactful but firm response',
      'How trust was preserved with all sides',
    ],
  ],
  [
    '04',
    'Tell me about a time you saw a colleague bend the rules. How did you respond?',
    [
      'Judgement about how serious it was',
      'A proportionate response: conversation, then escalation if needed',
      'The result for the organisation and the relationship',
    ],
  ],
  [
    '05',
    'Describe a situation where you had to choose between hitting a target and doing things properly.',
    [
      'The pressure described honestly',
      'A choice for integrity, with reasoning',
      'How the shortfall or risk was managed',
    ],
  ],
  [
    '06',
    'Tell me about a time you had to admit you did not know something.',
    [
      'Comfort with saying “I don’t know”',
      'Steps to find out',
      'How the honesty helped the work or relationship',
    ],
  ],
  [
    '07',
    'Describe a time you reported a problem that could make you or your team look bad.',
    ['Putting the organisation’s interest first', 'Timely, factual reporting', 'What was fixed as a result'],
  ],
  [
    '08',
    'Give an example of when you made sure people were treated fairly even though it was inconvenient.',
    [
      'Recognition of the unfairness or bias',
      'Action taken at some cost of time or comfort',
      'The fairer outcome achieved',
    ],
  ],
  [
    '09',
    'Tell me about a time you had a potential conflict of interest. How did you manage it?',
    [
      'Early recognition of the conflict',
      'Disclosure and stepping back where needed',
      'How the decision stayed credible',
    ],
  ],
  [
    '10',
    'Describe a time you pushed back on presenting data or results in a misleading way.',
    [
      'What was misleading and why it mattered',
      'A constructive alternative presentation',
      'What was finally reported',
    ],
  ],
]);

const CUSTOMER_FOCUS = bank('competency', 'cb-customer', 'customer-focus', 'behavioural', [
  [
    '01',
    'Tell me about a time you went beyond what was expected to help a client or user.',
    [
      'The client’s situation and the gap in normal service',
      'Specific extra effort and why it was worth it',
      'The client’s response or a business result',
    ],
  ],
  [
    '02',
    'Describe a time you dealt with a very dissatisfied customer or stakeholder.',
    [
      'Listening and acknowledging the frustration',
      'Resolution within policy',
      'Whether the relationship was recovered',
    ],
  ],
  [
    '03',
    'Give an example of when you found out that what a client needed was different from what they asked for.',
    [
      'Questions or research that revealed the real need',
      'How the candidate reframed the request with the client',
      'A better outcome than the original request would have given',
    ],
  ],
  [
    '04',
    'Tell me about a time you had to say no to a client request. How did you keep the relationship?',
    ['A clear reason for declining', 'An alternative offered', 'The state of the relationship afterwards'],
  ],
  [
    '05',
    'Describe a time you used client feedback to improve a product, service or process.',
    [
      'How feedback was gathered and analysed',
      'The change made',
      'Measured improvement in satisfaction or usage',
    ],
  ],
  [
    '06',
    'Tell me about a time you had to balance the needs of two clients or user groups that conflicted.',
    ['Both needs understood', 'A transparent way of prioritising', 'Outcome for both groups'],
  ],
  [
    '07',
    'Give an example of how you built a long-term relationship with a client or partner.',
    [
      'Consistent actions over time, not a single gesture',
      'How trust was earned',
      'Value of the relationship (repeat work, referrals, renewals)',
    ],
  ],
  [
    '08',
    'Describe a time you anticipated a client’s need before they raised it.',
    ['The signal the candidate noticed', 'Proactive action', 'The client’s benefit'],
  ],
  [
    '09',
    'Tell me about a time a client’s expectations were unrealistic. How did you manage them?',
    [
      'Early, honest expectation setting',
      'Options or phasing offered',
      'A delivered outcome the client accepted',
    ],
  ],
  [
    '10',
    'Describe a time you checked whether your work actually made a difference for the people it served.',
    [
      'A chosen measure of client impact',
      'How the data was collected',
      'What the measure showed and what changed',
    ],
  ],
]);

// ---------------------------------------------------------------------------
// World Bank Group YPP track: five WBG core competencies + mission fit
// ---------------------------------------------------------------------------

const WBG_RESULTS = bank('ypp', 'ypp-results', 'wbg-deliver-results', 'behavioural', [
  [
    '01',
    'Tell me about a time you delivered a result for a client or beneficiary despite serious obstacles.',
    [
      'Who the client was and what they needed',
      'Obstacles named and how each was tackled',
      'A measurable result for the client',
    ],
  ],
  [
    '02',
    'Describe a project where you had to keep quality high while working to a tight deadline.',
    [
      'Which quality standards were non-negotiable',
      'How the work was organised to meet both',
      'The deadline met and quality evidence',
    ],
  ],
  [
    '03',
    'Give an example of when you took personal ownership of an outcome that others had given up on.',
    [
      'Why the outcome mattered to the client',
      'Personal accountability in the actions',
      'What was ultimately achieved',
    ],
  ],
  [
    '04',
    'Tell me about a time you had to understand the priorities of a government counterpart or client before proposing a solution.',
    [
      'How the candidate learned the counterpart’s constraints and incentives',
      'A solution shaped by that understanding',
      'Uptake by the counterpart',
    ],
  ],
  [
    '05',
    'Describe a time you had to manage risks that threatened the delivery of a project.',
    ['Risks identified early and ranked', 'Mitigation actions with owners', 'Delivery outcome versus plan'],
  ],
  [
    '06',
    'Tell me about a time you set yourself a measurable goal and tracked your progress toward it.',
    [
      'A specific, measurable target',
      'Monitoring and course correction',
      'The final result against the target',
    ],
  ],
  [
    '07',
    'Describe a situation where results you delivered were used by others to make a decision or change a policy.',
    [
      'The link between the work and the decision',
      'How the results were made usable for decision makers',
      'The decision or policy change that followed',
    ],
  ],
  [
    '08',
    'Give an example of when you had to adjust a project because it was not producing the expected results on the ground.',
    [
      'Evidence that results were off track',
      'The redesign and who was involved',
      'Improvement after the adjustment',
    ],
  ],
  [
    '09',
    'Tell me about a time you had to deliver with a limited budget or few staff in a difficult context.',
    [
      'Realistic scoping and prioritisation',
      'Resourceful use of partners or local capacity',
      'Results achieved given the constraints',
    ],
  ],
  [
    '10',
    'Describe a time you had to balance fast delivery against the long-term sustainability of the results.',
    [
      'The tension stated explicitly',
      'A reasoned balance, e.g. capacity building or local ownership',
      'Evidence the results lasted or are likely to',
    ],
  ],
]);

const WBG_COLLABORATE = bank('ypp', 'ypp-collaborate', 'wbg-collaborate', 'behavioural', [
  [
    '01',
    'Tell me about a time you worked across institutions — for example a government, a donor and a civil-society group — to reach a shared objective.',
    [
      'The different mandates and interests at play',
      'How a shared objective was built',
      'What the partnership achieved',
    ],
  ],
  [
    '02',
    'Describe a time you collaborated with colleagues from very different disciplines, such as economists and engineers.',
    [
      'How different vocabularies and methods were reconciled',
      'The candidate’s bridging role',
      'A better result than one discipline alone',
    ],
  ],
  [
    '03',
    'Give an example of when you worked effectively with people from a culture very different from your own.',
    [
      'Respect and curiosity about the other culture',
      'Adjustments in communication and expectations',
      'The working relationship and result',
    ],
  ],
  [
    '04',
    'Tell me about a time you had to build consensus among partners with competing interests.',
    [
      'Each party’s interests understood',
      'A process to find common ground',
      'The agreement reached and how durable it was',
    ],
  ],
  [
    '05',
    'Describe a situation in which you helped resolve a conflict between team members or partner organisations.',
    [
      'Neutral understanding of both sides',
      'A resolution process the parties accepted',
      'Restored collaboration and outcome',
    ],
  ],
  [
    '06',
    'Tell me about a time you made sure quieter or less powerful voices were heard in a decision.',
    [
      'Whose voice was missing and why it mattered',
      'Concrete steps to include them',
      'How the decision changed',
    ],
  ],
  [
    '07',
    'Give an example of how you shared credit and information to strengthen a partnership.',
    [
      'Generosity with credit and data',
      'Trust built as a result',
      'Longer-term benefits for the partnership',
    ],
  ],
  [
    '08',
    'Describe a time you worked with a team spread across several countries or time zones.',
    [
      'Coordination practices that respected time zones',
      'Clear roles and documentation',
      'Delivery achieved',
    ],
  ],
  [
    '09',
    'Tell me about a time you had to rely on people you had no authority over to meet a deadline.',
    [
      'Influence through relationships and shared interest',
      'Follow-up without damaging goodwill',
      'Whether the deadline was met',
    ],
  ],
  [
    '10',
    'Describe a time you changed your own position after listening to a colleague or counterpart.',
    [
      'Genuine openness to other views',
      'The argument that changed the candidate’s mind',
      'The better decision that resulted',
    ],
  ],
]);

const WBG_LEAD_INNOVATE = bank('ypp', 'ypp-innovate', 'wbg-lead-innovate', 'behavioural', [
  [
    '01',
    'Tell me about a time you introduced a new idea or way of working that improved results.',
    ['The problem with the old way', 'How the idea was developed and adopted', 'Measured improvement'],
  ],
  [
    '02',
    'Describe a time you challenged the way things had always been done.',
    [
      'Respectful but clear challenge to the status quo',
      'Evidence used to make the case',
      'What changed as a result',
    ],
  ],
  [
    '03',
    'Give an example of when you took a calculated risk to try something new. What happened?',
    ['How the risk was assessed and limited', 'The experiment or pilot', 'Outcome and what was learned'],
  ],
  [
    '04',
    'Tell me about a time you led an initiative from idea to implementation.',
    ['Ownership from start to finish', 'Mobilising people and resources', 'Implementation results'],
  ],
  [
    '05',
    'Describe a time you encouraged others to experiment or to propose ideas.',
    [
      'A safe space for ideas created by the candidate',
      'Examples of ideas that emerged',
      'Impact on the team’s results or culture',
    ],
  ],
  [
    '06',
    'Tell me about a time an innovation you tried failed. What did you learn, and what did you do next?',
    ['Honest account of the failure', 'Specific lessons', 'How the lessons were applied afterwards'],
  ],
  [
    '07',
    'Give an example of how you used technology or data in a new way to solve a development problem.',
    [
      'The development problem and why old methods fell short',
      'The technology or data solution',
      'Impact on people or decisions',
    ],
  ],
  [
    '08',
    'Describe a time you inspired people to commit to an ambitious goal.',
    [
      'A compelling vision linked to purpose',
      'How commitment was secured and sustained',
      'Progress achieved towards the goal',
    ],
  ],
  [
    '09',
    'Tell me about a time you adapted a solution from another country or sector to a new context.',
    [
      'Why the original solution was relevant',
      'Adjustments for the local context',
      'Results in the new setting',
    ],
  ],
  [
    '10',
    'Describe a situation in which leading well required courage or integrity from you.',
    [
      'The pressure to take the easier path',
      'The principled choice made',
      'Consequences and what others took from it',
    ],
  ],
]);

const WBG_KNOWLEDGE = bank('ypp', 'ypp-knowledge', 'wbg-knowledge', 'behavioural', [
  [
    '01',
    'Tell me about a time you applied research or evidence to improve a project or policy.',
    [
      'The evidence used and its quality',
      'How it was translated into practical changes',
      'The improvement observed',
    ],
  ],
  [
    '02',
    'Describe a time you turned lessons from one project into guidance that others used.',
    ['How lessons were captured', 'The guidance product and its audience', 'Evidence of uptake'],
  ],
  [
    '03',
    'Give an example of when you shared your expertise to build the capacity of colleagues or counterparts.',
    ['A capacity gap identified', 'The training or coaching approach', 'What people could do afterwards'],
  ],
  [
    '04',
    'Tell me about a time you had to get up to speed quickly on an unfamiliar technical or sector topic.',
    ['A structured learning approach', 'Sources and experts consulted', 'How the new knowledge was applied'],
  ],
  [
    '05',
    'Describe a piece of analytical work you produced that decision makers actually used.',
    ['The question the analysis answered', 'Method and rigour', 'The decision it informed'],
  ],
  [
    '06',
    'Tell me about a time you sought out knowledge from outside your own organisation or discipline.',
    ['Curiosity and initiative', 'What was learned from the outside source', 'How it changed the work'],
  ],
  [
    '07',
    'Give an example of when you made complex findings accessible to a non-technical audience.',
    [
      'Audience needs understood',
      'Clear messages, visuals and plain language',
      'Audience understanding or action',
    ],
  ],
  [
    '08',
    'Describe a time the evidence did not support a widely held view. What did you do?',
    [
      'Rigour in checking the evidence',
      'Tactful communication of an unwelcome finding',
      'What changed as a result',
    ],
  ],
  [
    '09',
    'Tell me how you built or contributed to a community of practice, network or knowledge platform.',
    [
      'The purpose of the network',
      'The candidate’s concrete contribution',
      'Participation or use it generated',
    ],
  ],
  [
    '10',
    'Describe a time you asked experts for feedback on your work and used it to improve.',
    ['Seeking critique deliberately', 'The substantive changes made', 'How the final product improved'],
  ],
]);

const WBG_SMART_DECISIONS = bank('ypp', 'ypp-decisions', 'wbg-smart-decisions', 'behavioural', [
  [
    '01',
    'Tell me about a difficult decision you made with incomplete information.',
    [
      'What was known and what was uncertain',
      'How uncertainty was reduced or hedged',
      'The decision and how it turned out',
    ],
  ],
  [
    '02',
    'Describe a time you had to weigh economic, social and environmental trade-offs in a recommendation.',
    [
      'Each dimension considered explicitly',
      'A reasoned balance and who was consulted',
      'The recommendation’s reception and effect',
    ],
  ],
  [
    '03',
    'Give an example of when you used data analysis to choose between options.',
    ['The options and decision criteria', 'The analysis and its limits', 'The choice and its results'],
  ],
  [
    '04',
    'Tell me about a decision you made that turned out to be wrong. How did you recognise it and what did you do?',
    [
      'Early recognition through monitoring or feedback',
      'Ownership and correction',
      'What the candidate now does differently',
    ],
  ],
  [
    '05',
    'Describe a time you had to make a quick decision under pressure.',
    [
      'How the candidate framed the decision quickly',
      'The key factors weighed',
      'Outcome and review afterwards',
    ],
  ],
  [
    '06',
    'Tell me about a time you consulted stakeholders before making a decision. How did their input change it?',
    ['Who was consulted and why', 'How input was weighed fairly', 'The decision that resulted'],
  ],
  [
    '07',
    'Give an example of when you identified and managed a risk that others had overlooked.',
    ['How the risk was spotted', 'Assessment of likelihood and impact', 'Mitigation and what was avoided'],
  ],
  [
    '08',
    'Describe a decision where you had to consider the effect on poor or vulnerable groups.',
    [
      'Who could be affected and how',
      'Safeguards or design changes introduced',
      'The effect on those groups',
    ],
  ],
  [
    '09',
    'Tell me about a time you said no to an opportunity or request after assessing it carefully.',
    ['Clear criteria behind the “no”', 'How it was communicated', 'Why it was the right call in hindsight'],
  ],
  [
    '10',
    'Describe how you prioritised when several important demands competed for limited resources.',
    [
      'A transparent prioritisation method',
      'Stakeholders’ agreement to the trade-offs',
      'What was achieved with the resources',
    ],
  ],
]);

const WBG_MISSION_FIT = bank('ypp', 'ypp-mission', 'wbg-mission-fit', 'motivation', [
  [
    '01',
    'Why do you want to join the World Bank Group through the Young Professionals Program?',
    [
      'Specific reasons tied to the WBG mission, not generic prestige',
      'How the candidate’s skills and experience fit the program',
      'What the candidate expects to give and to learn',
    ],
  ],
  [
    '02',
    'The World Bank Group aims to end extreme poverty and boost shared prosperity on a livable planet. Which part of that mission matters most to you, and why?',
    [
      'A personal, concrete connection to the mission',
      'Understanding of what the goals mean in practice',
      'A link to the candidate’s own expertise',
    ],
  ],
  [
    '03',
    'What development experience — in the field, in research or in policy — has most shaped how you think about poverty?',
    [
      'A specific experience with real detail',
      'What it taught about the causes of poverty or what works',
      'How it shapes the candidate’s future work',
    ],
  ],
  [
    '04',
    'Which development challenge would you most like to work on in your first years at the Bank, and what would you bring to it?',
    [
      'A well-chosen, specific challenge',
      'Knowledge of current debates or approaches',
      'The candidate’s distinctive contribution',
    ],
  ],
  [
    '05',
    'How has your technical background prepared you to contribute to the Bank’s work with client countries?',
    [
      'Clear technical strengths',
      'Examples of applying them in developing-country contexts',
      'Awareness of what the Bank does with clients',
    ],
  ],
  [
    '06',
    'In your view, what is the World Bank Group’s greatest strength in reducing poverty, and what is its biggest limitation?',
    [
      'Balanced, informed judgement',
      'Knowledge of instruments (IDA, IBRD, IFC, knowledge work)',
      'Constructive ideas about the limitation',
    ],
  ],
  [
    '07',
    'Tell me about a development project or policy you admire. What made it work?',
    [
      'A specific example with results',
      'Analysis of the success factors',
      'Lessons the candidate would apply',
    ],
  ],
  [
    '08',
    'How would you approach working with a government whose priorities differ from the Bank’s recommendations?',
    [
      'Respect for country ownership',
      'Evidence-based dialogue and finding common ground',
      'Realism about trade-offs',
    ],
  ],
  [
    '09',
    'The program involves rotations and possibly relocation. How do you see yourself adapting to moves across regions and practices?',
    [
      'Genuine readiness for mobility',
      'Past evidence of adapting to new places or teams',
      'What the candidate hopes to gain from rotations',
    ],
  ],
  [
    '10',
    'How would you measure shared prosperity, and why does it matter alongside reducing extreme poverty?',
    [
      'Understanding of income growth of the poorest groups and inequality',
      'Why growth alone is not enough',
      'A practical example',
    ],
  ],
  [
    '11',
    'What does working towards a livable planet mean to you in practical terms, for example climate adaptation or resilience?',
    [
      'Concrete understanding of climate and development links',
      'An example of a practical intervention',
      'Connection to the candidate’s skills',
    ],
  ],
  [
    '12',
    'Where do you see yourself in ten years, and how does the Young Professionals Program fit into that path?',
    [
      'A credible long-term direction in development',
      'How the program builds towards it',
      'Commitment to the institution’s mission',
    ],
  ],
]);

export const QUESTION_BANKS: Readonly<Record<BankTrack, readonly Question[]>> = {
  competency: [
    ...TEAMWORK,
    ...LEADERSHIP,
    ...PROBLEM_SOLVING,
    ...COMMUNICATION,
    ...ADAPTABILITY,
    ...INTEGRITY,
    ...CUSTOMER_FOCUS,
  ],
  ypp: [
    ...WBG_RESULTS,
    ...WBG_COLLABORATE,
    ...WBG_LEAD_INNOVATE,
    ...WBG_KNOWLEDGE,
    ...WBG_SMART_DECISIONS,
    ...WBG_MISSION_FIT,
  ],
};

export const ALL_BANK_QUESTIONS: readonly Question[] = [...QUESTION_BANKS.competency, ...QUESTION_BANKS.ypp];

const BY_ID: ReadonlyMap<string, Question> = new Map(ALL_BANK_QUESTIONS.map((q) => [q.id, q]));

export function getQuestionById(id: string): Question | undefined {
  return BY_ID.get(id);
}

/** Competencies in a bank track, in catalogue order. */
export function competenciesOf(track: BankTrack): CompetencyId[] {
  const seen: CompetencyId[] = [];
  for (const q of QUESTION_BANKS[track]) if (!seen.includes(q.competency)) seen.push(q.competency);
  return seen;
}
