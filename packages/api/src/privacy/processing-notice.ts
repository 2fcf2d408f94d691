/**
 * Categories and purposes (P30): what the privacy center shows about what we process and why is generated from
 * the records of processing compliance maintains (the `processing` register, the same one `registers.processing`
 * publishes), never written a second time. An officer's edit of the register changes it at once.
 */
import { loadRegisters, type Queryable } from '@tia/db';
import { retention } from '@tia/domain';

export interface PurposeRow {
  id: string;
  name: string;
  purposes: string;
  dataCategories: string[];
  legalBasis: string;
  recipients: string[];
  retention: string;
  transfers: { country: string; safeguard: string }[];
}

export interface CategoryRow {
  category: string;
  /** Names of the processing activities that use it. */
  usedFor: string[];
}

export interface ProcessingNotice {
  purposes: PurposeRow[];
  categories: CategoryRow[];
}

/** The purposes (one row per record of processing in force) and every data category with what it is used for. */
export const processingNotice = async (
  db: Queryable,
  config: retention.RetentionConfig,
): Promise<ProcessingNotice> => {
  const entries = await loadRegisters(db, 'processing');
  const purposes: PurposeRow[] = entries.flatMap((e) =>
    e.register === 'processing'
      ? [
          {
            id: e.entryId,
            name: e.fields.name,
            purposes: e.fields.purposes,
            dataCategories: e.fields.dataCategories,
            legalBasis: e.fields.legalBasis,
            recipients: e.fields.recipients,
            // the periods come from the retention configuration (`{retention:<id>}` references)
            retention: retention.expandRetention(e.fields.retention, config),
            transfers: e.fields.transfers,
          },
        ]
      : [],
  );
  const byCategory = new Map<string, string[]>();
  for (const p of purposes)
    for (const c of p.dataCategories) byCategory.set(c, [...(byCategory.get(c) ?? []), p.name]);
  const categories = [...byCategory.entries()]
    .map(([category, usedFor]) => ({ category, usedFor }))
    .sort((x, y) => x.category.localeCompare(y.category));
  return { purposes, categories };
};

/** The retention configuration of this process (the web app builds it from its environment into its services). */
export const retentionConfigFor = (services?: {
  retention?: retention.RetentionConfig;
}): retention.RetentionConfig => services?.retention ?? retention.DEFAULT_RETENTION;
