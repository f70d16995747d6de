/** Most rows a StateApi list answers (Ray's RAY_MAX_LIMIT_FROM_API_SERVER). */
export const LIMIT_MAX = 10_000;
