/**
 * Tests that need a program the machine may not have. `describeWith(program, install)` is jest's
 * `describe` when the program is on PATH. Without it, the group's tests are reported as skipped
 * (their group's name and a loud warning say why and how to install it), and with
 * TEST_REQUIRE_ALL=true (CI) the group is one failing test instead.
 */
import fs from 'fs';
import path from 'path';

export const onPath = (program: string) =>
  (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir || '.', program), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });

type Group = (name: string, fn: () => void) => void;

export const describeWith = (program: string, install: string): Group => {
  if (onPath(program)) return describe;
  const reason = `${program} is not on PATH; to run these tests, install it: ${install}`;
  if (process.env.TEST_REQUIRE_ALL === 'true') {
    return (name) =>
      describe(name, () => {
        it(`needs ${program}`, () => {
          throw new Error(`TEST_REQUIRE_ALL=true and ${reason}`);
        });
      });
  }
  console.warn(`SKIPPED: ${reason}`);
  const skipping = describe.skip;
  return (name, fn) => skipping(`${name} [skipped: ${reason}]`, fn);
};

type DatabaseClient = 'sqlite' | 'postgres';

/**
 * A group that only means something on one database: jest's `describe` there; on the other it is
 * reported as skipped (named so), never silently missing from the count.
 */
export const describeOn = (client: DatabaseClient): Group => {
  const current: DatabaseClient = process.env.DATABASE_CLIENT === 'postgres' ? 'postgres' : 'sqlite';
  if (current === client) return describe;
  const skipping = describe.skip;
  return (name, fn) => skipping(`${name} [${client} only: skipped (other database)]`, fn);
};
