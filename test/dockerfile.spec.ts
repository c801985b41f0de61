import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// What can be checked of the Dockerfile without a container engine.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): string => readFileSync(`${ROOT}${path}`, 'utf8');

interface Instruction { readonly keyword: string; readonly args: string }
/** The Dockerfile's instructions, continuation lines joined, comments left out, split into stages at each FROM. */
const stages: Instruction[][] = [];
for (const line of read('Dockerfile').replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
  const [keyword, ...rest] = line.split(/\s+/);
  const instruction = { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
  if (instruction.keyword === 'FROM') stages.push([]);
  stages.at(-1)!.push(instruction);
}
const final = stages.at(-1)!;
const all = (stage: Instruction[], keyword: string): string[] => stage.filter((i) => i.keyword === keyword).map((i) => i.args);
/** The JSON (exec) form's arguments of an instruction such as CMD or HEALTHCHECK ... CMD. */
const execForm = (args: string): string[] => JSON.parse(args.slice(args.indexOf('['))) as string[];
const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;

describe('Dockerfile', () => {
  it('pins every stage to one exact Node.js release, one the package admits', () => {
    const bases = stages.map((stage) => stage[0]!.args.split(/\s+/)[0]!);
    expect(new Set(bases).size).toBe(1);
    const [, version] = /^node:(\d+\.\d+\.\d+)-[a-z]+(?:-slim)?(?:@sha256:[0-9a-f]{64})?$/.exec(bases[0]!) ?? [];
    expect({ base: bases[0], pinned: Boolean(version) }).toEqual({ base: bases[0], pinned: true });
    const [minMajor, minMinor] = /^>=(\d+)\.(\d+)$/.exec(engines)!.slice(1).map(Number);
    const [major, minor] = version!.split('.').map(Number);
    expect(major! > minMajor! || (major === minMajor && minor! >= minMinor!)).toBe(true);
  });

  it('runs as a user that is not root', () => {
    const users = all(final, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users.at(-1));
    // Nothing after the USER line runs as root again.
    const lastUser = final.findLastIndex((i) => i.keyword === 'USER');
    expect(final.slice(lastUser + 1).filter((i) => i.keyword === 'RUN')).toEqual([]);
  });

  it("checks its health with the probe of the apps' GET /health, which the build compiles", () => {
    const [check] = all(final, 'HEALTHCHECK');
    expect(check).toMatch(/--interval=\d+s .*--timeout=\d+s/);
    const command = execForm(check!);
    expect(command[0]).toBe('node');
    const source = command[1]!.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    expect(existsSync(`${ROOT}${source}`)).toBe(true);
    const probe = read(source.replace(/\.main\.ts$/, '.ts'));
    expect(probe).toContain('/health`');
    // The endpoint it asks is the one the apps serve.
    const controller = read('libs/infrastructure/src/http/health.controller.ts');
    expect(controller).toContain("@Controller('health')");
    expect(controller).toMatch(/@Get\(\[''/);
    const main = read(source);
    for (const port of ['commandApiPort', 'queryApiPort', 'projectorPort']) expect(main).toContain(`config.${port}`);
  });

  it('copies only what exists, and runs a built entry point of this repository', () => {
    for (const args of stages.flatMap((stage) => all(stage, 'COPY')).filter((a) => !a.startsWith('--from'))) {
      for (const path of args.split(/\s+/).slice(0, -1)) expect({ path, exists: existsSync(`${ROOT}${path}`) }).toEqual({ path, exists: true });
    }
    const [cmd] = all(final, 'CMD');
    expect(existsSync(`${ROOT}${execForm(cmd!).at(-1)!.replace(/^dist\//, '').replace(/\.js$/, '.ts')}`)).toBe(true);
  });

  it('has the `ledger` command on its PATH, the package.json bin', () => {
    const bin = (JSON.parse(read('package.json')) as { bin: Record<string, string> }).bin;
    expect(all(final, 'COPY')).toContain('bin bin');
    expect(all(final, 'RUN')).toContain(`ln -s /app/${bin['ledger']} /usr/local/bin/ledger`);
  });

  it('is the image docker-compose builds for the apps', () => {
    const compose = parse(read('docker/docker-compose.yml'), { merge: true }) as { services: Record<string, { build?: { context: string; dockerfile: string } }> };
    for (const app of ['command-api', 'query-api', 'projector', 'migrate']) expect(compose.services[app]!.build).toEqual({ context: '..', dockerfile: 'Dockerfile' });
  });
});
