import { jobRoute, jobsRoute } from '../api/ray.js';
import { registerHttp } from '../app/register.js';
import { getJob, listJobs } from '../core/dashboard/index.js';
import { HttpError } from '../core/errors.js';
import { rayFunctions } from '../http/rayRoute.js';
import { json } from '../http/respond.js';

/** `api/jobs/`: the session's jobs as Ray's job API lists them. */
export const rayJobs = rayFunctions(
  jobsRoute,
  ({ store }) =>
    async ({ session }) =>
      json(200, await listJobs(store, session)),
);

/** `api/jobs/{job_id}`: one job by job id or submission id; 404 when unknown (as Ray's job API). */
export const rayJob = rayFunctions(jobRoute, ({ store }) => async ({ session, params }) => {
  const job = await getJob(store, session, params.job_id);
  if (job === null) throw new HttpError(404, 'job_not_found', `Job ${params.job_id} does not exist`);
  return json(200, job);
});

for (const fn of [...rayJobs, ...rayJob]) registerHttp(fn);
