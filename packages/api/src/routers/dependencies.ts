import { latestDependencyAudit, readSbom, SbomQuery } from '../compliance/dependencies.js';
import { procedure, router } from '../trpc.js';

const officers = () => procedure({ kind: 'role', roles: ['compliance_officer', 'admin'], mfa: true });

/** Vulnerability monitoring (P17): the bill of materials of this build and the latest dependency audit. */
export const dependenciesRouter = router({
  sbom: officers()
    .input(SbomQuery)
    .query(async ({ ctx, input }) => ({
      sbom: await readSbom(ctx.sbomPath, input),
      audit: await latestDependencyAudit(ctx.services.store),
    })),
});
