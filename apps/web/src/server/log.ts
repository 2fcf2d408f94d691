import 'server-only';
import { createJsonLogger } from '@tia/api/log';

/** Root JSON-lines logger of the web process. */
export const log = createJsonLogger({ service: 'web' });
