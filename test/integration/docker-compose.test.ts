import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

function composeCommand(): [string, string[]] | undefined {
  for (const [cmd, args] of [
    ['docker', ['compose', 'version']],
    ['docker-compose', ['version']],
  ] as const) {
    try {
      execFileSync(cmd, args, { stdio: 'ignore' });
      return cmd === 'docker' ? ['docker', ['compose']] : ['docker-compose', []];
    } catch {
      // try the next one
    }
  }
  return undefined;
}

describe('docker-compose.yml', () => {
  it('is a valid compose file with the whole production stack', () => {
    const compose = composeCommand();
    if (!compose) throw new Error('Neither `docker compose` nor `docker-compose` is installed (Debian: apt-get install docker-compose); .ci/run installs it.');
    const [cmd, pre] = compose;
    const cwd = resolve(__dirname, '../..');
    execFileSync(cmd, [...pre, 'config', '-q'], { cwd, stdio: 'pipe' });
    const services = execFileSync(cmd, [...pre, 'config', '--services'], { cwd }).toString().trim().split('\n').sort();
    expect(services).toEqual(['api', 'migrate', 'postgresql', 'temporal', 'temporal-setup', 'temporal-ui', 'worker']);
  });
});
