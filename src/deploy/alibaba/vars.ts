/** Serverless Devs variables, resolved by `s deploy` when it reads s.yaml. */

/** `variable('vars.region')` is `${vars.region}` in s.yaml. */
export const variable = (expression: string) => `\${${expression}}`;
/** The region of every function: one edit of `vars.region` moves them all. */
export const REGION = variable('vars.region');
/** The account of the credentials `s` deploys with. */
export const ACCOUNT = variable("config('AccountID')");
