/**
 * Help texts of `odw resume` and `odw replay`, which run through `odw exec`'s machinery (see
 * `exec.ts` and `exec_resume.ts`).
 *
 * @module
 */

/** Help text of `odw resume`. */
export const RESUME_HELP = `Usage: odw resume <runId> [--script <edited.js>] [exec options]

Runs a workflow again with an earlier run's journal as a cache: every agent() call whose node key
(its prompt, schema and routing, and how many identical calls came before it) completed in that run
is answered from the journal with no executor call, in any order, even after calls were inserted,
deleted, reordered or relabelled. Failed, cancelled and unfinished nodes run again. A finished worktree
node is reused from its branch, never re-run.

The script is the one the run recorded (its copy in the run directory when the file is gone), or
--script. Backend, args, routing and every other exec option are the old run's unless given again;
turn a boolean flag off with --no-<flag> (e.g. --no-strict). The new run records which run it
resumed; stderr says how many nodes were reused, re-run, new, and left unused (--json lists the keys).

<runId> is a run id from odw runs, or a unique prefix of one. A run that is still running is refused
(odw cancel it first).

Options: those of odw exec (see odw exec --help), and
  --script <path>   run this (edited) script instead of the recorded one
  -h, --help        this help`;

/** Help text of `odw replay`. */
export const REPLAY_HELP = `Usage: odw replay <runId> [--script <path>] [options]

Runs a script against a recorded run only, with no backend at all: every agent() call is answered
from the run's journal as it ended there (failures included). A call the journal does not have stops
the replay with an error naming its call site (file:line:column) and exit 1. Use it as a regression
test in CI: a script edit that changes what a workflow asks for fails, one that does not passes
without a token spent. stderr (and --json's "resume") says whether the result equals the recorded one.

The script is the one the run recorded (its copy when the file is gone), or --script; the args are
the run's unless given.

Options:
  --script <path>        the script to replay
  --args <json>          the workflow's args (default: the recorded run's)
  --args-file <file>     read args JSON from a file
  --budget <tokens>      the budget the script sees (default: the recorded run's)
  --strict               any failed node fails the replay (default: the recorded run's)
  --timeout <duration>   stop the replay after this long
  --run-dir <dir>        where run records are (default .odw/runs)
  --json                 print one JSON object on stdout
  --quiet                no progress on stderr
  -h, --help             this help`;
