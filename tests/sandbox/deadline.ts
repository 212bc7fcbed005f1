/**
 * The hostile-input tests' name for the shared deadline helper: `withinDeadline(promise, ms, what)`
 * is `withDeadline` of `tests/_support/deadline.ts` (prefer importing that directly). Work that could
 * block the test's own thread (a regular expression, a generator) runs in a subprocess with a kill on
 * its deadline instead (`runProcess` in `tests/_support/odw.ts`).
 *
 * @module
 */
export { withDeadline as withinDeadline } from "../_support/deadline.ts";
