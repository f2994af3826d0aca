/**
 * Finds or builds the three Temporal servers the project runs against:
 * - the dev server (`temporal server start-dev`), built from the Temporal CLI;
 * - the time-skipping test server (Java), assembled from Maven Central;
 * - the real server with its SQL schema tool (`npm run cluster`, the integration suite), built from its Go module.
 * Order for each: explicit env var, PATH (dev server only), cache under $HOME, local build, SDK download (not for the
 * real server).
 * Also the Schemathesis CLI for the API conformance check and the moto S3 server for the object-storage tests: env var,
 * cache, else a Python venv from PyPI in the cache.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, statSync, writeFileSync, chmodSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const TEST_SERVER_VERSION = '1.38.0';
export const SCHEMATHESIS_VERSION = '4.32.5';
export const MOTO_VERSION = '5.2.5';
/** The real Temporal server of `npm run cluster` (and the integration suite), with its SQL schema tool. */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/** The Web UI server the Temporal CLI embeds (its go.mod), as its own command for the cluster's server. */
export const TEMPORAL_UI_VERSION = 'v2.42.1';

export type Log = (message: string) => void;

export interface ResolvedBinary {
  path: string;
  source: 'env' | 'path' | 'cache' | 'built' | 'sdk-download' | 'pypi';
}

export function cacheRoot(): string {
  return process.env.TICKETFLOW_CACHE_DIR ?? join(homedir(), '.cache', 'ticketflow');
}

const devServerCacheDir = () => join(cacheRoot(), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
const testServerCacheDir = () => join(cacheRoot(), `temporal-test-server-${TEST_SERVER_VERSION}`);
const temporalServerCacheDir = () => join(cacheRoot(), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
const temporalUiCacheDir = () => join(cacheRoot(), `temporal-ui-server-${TEMPORAL_UI_VERSION}`);

function isExecutable(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

async function commandWorks(cmd: string, args: string[]): Promise<boolean> {
  try {
    await execFileAsync(cmd, args, { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // Long builds print a heartbeat so nobody mistakes them for a hang.
    const started = Date.now();
    const beat = setInterval(() => log(`  … still running ${cmd} (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
    child.on('error', (err) => {
      clearInterval(beat);
      reject(err);
    });
    child.on('exit', (code) => {
      clearInterval(beat);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${tail}`));
    });
  });
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Locates the Temporal CLI (dev server) without building anything. */
export function findDevServer(): ResolvedBinary | undefined {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: 'env' };
  }
  const inPath = onPath('temporal');
  if (inPath) return { path: inPath, source: 'path' };
  const cached = join(devServerCacheDir(), 'temporal');
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  return undefined;
}

/** Locates the time-skipping test server wrapper without building anything. */
export function findTestServer(): ResolvedBinary | undefined {
  const fromEnv = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_TEST_SERVER_PATH=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: 'env' };
  }
  const cached = join(testServerCacheDir(), 'temporal-test-server');
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  return undefined;
}

async function buildDevServer(log: Log): Promise<ResolvedBinary | undefined> {
  if (!(await commandWorks('go', ['version']))) {
    log('  go is not installed: cannot build the Temporal CLI here');
    return undefined;
  }
  const dir = devServerCacheDir();
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const started = Date.now();
  log(`  building github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION} with go install (a few minutes when cold)`);
  try {
    await run('go', ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], { ...process.env, GOBIN: staging, CGO_ENABLED: '0' }, log);
  } catch (err) {
    log(`  go install failed: ${(err as Error).message}`);
    return undefined;
  }
  // Rename last so an interrupted build never leaves a half-written binary in the cache.
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  log(`  built in ${seconds(started)}`);
  return { path: join(dir, 'temporal'), source: 'built' };
}

const TEST_SERVER_POM = `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>ticketflow.local</groupId>
  <artifactId>temporal-test-server-classpath</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;

async function buildTestServer(log: Log): Promise<ResolvedBinary | undefined> {
  if (!(await commandWorks('java', ['-version']))) {
    log('  java is not installed: cannot run the Java test server here');
    return undefined;
  }
  if (!(await commandWorks('mvn', ['-v']))) {
    log('  mvn is not installed: cannot assemble the test server classpath here');
    return undefined;
  }
  const dir = testServerCacheDir();
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const started = Date.now();
  log(`  resolving io.temporal:temporal-test-server:${TEST_SERVER_VERSION} with Maven`);
  writeFileSync(join(staging, 'pom.xml'), TEST_SERVER_POM);
  try {
    await run(
      'mvn',
      ['-q', '-B', '-f', join(staging, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${join(staging, 'classpath.txt')}`],
      process.env,
      log,
    );
  } catch (err) {
    log(`  maven failed: ${(err as Error).message}`);
    return undefined;
  }
  const wrapper = join(staging, 'temporal-test-server');
  // exec: the SDK (and our own teardown) kills only its direct child, which must be the JVM itself.
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec java -Xss1m -XX:+UseSerialGC -cp "$(cat "$(dirname "$0")/classpath.txt")" io.temporal.testserver.TestServer "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  log(`  assembled in ${seconds(started)}`);
  return { path: join(dir, 'temporal-test-server'), source: 'built' };
}

/**
 * Last resort on machines with internet: let the SDK's core download the server into our cache,
 * then use the file it wrote.
 */
async function sdkDownload(kind: 'dev-server' | 'time-skipping', log: Log): Promise<ResolvedBinary | undefined> {
  const downloadDir = join(cacheRoot(), `sdk-download-${kind}`);
  mkdirSync(downloadDir, { recursive: true });
  const started = Date.now();
  log(`  asking the Temporal SDK to download the ${kind} server into ${downloadDir}`);
  try {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const executable = { type: 'cached-download' as const, downloadDir };
    const env =
      kind === 'dev-server'
        ? await TestWorkflowEnvironment.createLocal({ server: { executable } })
        : await TestWorkflowEnvironment.createTimeSkipping({ server: { executable } });
    await env.teardown();
  } catch (err) {
    log(`  SDK download failed: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
  const files = readdirSync(downloadDir)
    .map((f) => join(downloadDir, f))
    .filter(isExecutable);
  if (files.length === 0) return undefined;
  log(`  downloaded in ${seconds(started)}`);
  return { path: files[0], source: 'sdk-download' };
}

export async function ensureDevServer(log: Log): Promise<ResolvedBinary> {
  const started = Date.now();
  const found = findDevServer();
  if (found) {
    log(`temporal dev server: ${found.path} (${found.source}) [${seconds(started)}]`);
    return found;
  }
  log('temporal dev server: not found in TEMPORAL_CLI_PATH, PATH or cache');
  const built = (await buildDevServer(log)) ?? (await sdkDownload('dev-server', log));
  if (!built) throw new Error('Could not provide the Temporal dev server: no go toolchain and the SDK download failed. Set TEMPORAL_CLI_PATH.');
  log(`temporal dev server: ${built.path} (${built.source}) [${seconds(started)}]`);
  return built;
}

export async function ensureTestServer(log: Log): Promise<ResolvedBinary> {
  const started = Date.now();
  const found = findTestServer();
  if (found) {
    log(`temporal test server: ${found.path} (${found.source}) [${seconds(started)}]`);
    return found;
  }
  log('temporal test server: not found in TEMPORAL_TEST_SERVER_PATH or cache');
  const built = (await buildTestServer(log)) ?? (await sdkDownload('time-skipping', log));
  if (!built) {
    throw new Error('Could not provide the time-skipping test server: no java/mvn and the SDK download failed. Set TEMPORAL_TEST_SERVER_PATH.');
  }
  log(`temporal test server: ${built.path} (${built.source}) [${seconds(started)}]`);
  return built;
}

/** The real Temporal server: its binary, the SQL schema tool and the PostgreSQL schema files they were built with. */
export interface TemporalServerKit {
  server: string;
  sqlTool: string;
  /** `schema/postgresql/v12` of the server module: `temporal/versioned` and `visibility/versioned` */
  schemaDir: string;
  source: ResolvedBinary['source'];
}

const KIT_FILES = { server: 'temporal-server', sqlTool: 'temporal-sql-tool', schemaDir: 'schema' } as const;

/**
 * Locates the Temporal server kit without building anything: TEMPORAL_SERVER_HOME (a directory holding
 * temporal-server, temporal-sql-tool and schema/, as the cache does), else the cache.
 */
export function findTemporalServer(): TemporalServerKit | undefined {
  const fromEnv = process.env.TEMPORAL_SERVER_HOME;
  const kitIn = (dir: string, source: ResolvedBinary['source']): TemporalServerKit | undefined => {
    const kit = { server: join(dir, KIT_FILES.server), sqlTool: join(dir, KIT_FILES.sqlTool), schemaDir: join(dir, KIT_FILES.schemaDir), source };
    return isExecutable(kit.server) && isExecutable(kit.sqlTool) && isFile(join(kit.schemaDir, 'temporal', 'versioned', 'v1.0', 'schema.sql')) ? kit : undefined;
  };
  if (fromEnv) {
    const kit = kitIn(fromEnv, 'env');
    if (!kit) throw new Error(`TEMPORAL_SERVER_HOME=${fromEnv} must hold the executables temporal-server and temporal-sql-tool and the directory schema/ (postgresql/v12 of the server module)`);
    return kit;
  }
  return kitIn(temporalServerCacheDir(), 'cache');
}

/** Both commands with `go install`, then the module's PostgreSQL schema copied beside them (the module cache is read-only). */
async function buildTemporalServer(log: Log): Promise<TemporalServerKit | undefined> {
  if (!(await commandWorks('go', ['version']))) {
    log('  go is not installed: cannot build the Temporal server here');
    return undefined;
  }
  const dir = temporalServerCacheDir();
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const started = Date.now();
  const env = { ...process.env, GOBIN: staging, CGO_ENABLED: '0' };
  try {
    for (const [pkg, name] of [
      ['go.temporal.io/server/cmd/server', KIT_FILES.server],
      ['go.temporal.io/server/cmd/tools/sql', KIT_FILES.sqlTool],
    ] as const) {
      log(`  building ${pkg}@${TEMPORAL_SERVER_VERSION} with go install (about 5 minutes when cold on two cores)`);
      await run('go', ['install', `${pkg}@${TEMPORAL_SERVER_VERSION}`], env, log);
      renameSync(join(staging, basename(pkg)), join(staging, name));
    }
    const { stdout } = await execFileAsync('go', ['mod', 'download', '-json', `go.temporal.io/server@${TEMPORAL_SERVER_VERSION}`], { env, maxBuffer: 4 << 20 });
    const moduleDir = (JSON.parse(stdout) as { Dir?: string }).Dir;
    if (!moduleDir) throw new Error('go mod download did not name the module directory');
    cpSync(join(moduleDir, 'schema', 'postgresql', 'v12'), join(staging, KIT_FILES.schemaDir), { recursive: true });
    makeWritable(join(staging, KIT_FILES.schemaDir));
  } catch (err) {
    log(`  building the Temporal server failed: ${(err as Error).message}`);
    return undefined;
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  log(`  built in ${seconds(started)}`);
  return { ...findTemporalServer()!, source: 'built' };
}

/** Files copied from Go's module cache keep its read-only modes; the cache copy must be removable by a rebuild. */
function makeWritable(path: string): void {
  const st = statSync(path);
  chmodSync(path, st.mode | 0o200 | (st.isDirectory() ? 0o100 : 0));
  if (st.isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

export async function ensureTemporalServer(log: Log): Promise<TemporalServerKit> {
  const started = Date.now();
  const found = findTemporalServer();
  if (found) {
    log(`temporal server ${TEMPORAL_SERVER_VERSION}: ${dirname(found.server)} (${found.source}) [${seconds(started)}]`);
    return found;
  }
  log(`temporal server ${TEMPORAL_SERVER_VERSION}: not found in TEMPORAL_SERVER_HOME or cache`);
  const built = await buildTemporalServer(log);
  if (!built) throw new Error('Could not provide the Temporal server: it is built with go (go install go.temporal.io/server/cmd/server). Set TEMPORAL_SERVER_HOME.');
  log(`temporal server ${TEMPORAL_SERVER_VERSION}: ${dirname(built.server)} (built) [${seconds(started)}]`);
  return built;
}

/**
 * The Temporal Web UI for `npm run cluster`: TEMPORAL_UI_SERVER_PATH, else the cache, else `go install` of the UI
 * server module the Temporal CLI embeds (its assets are inside the module; under a minute once the CLI was built).
 */
export async function ensureTemporalUi(log: Log): Promise<ResolvedBinary> {
  const fromEnv = process.env.TEMPORAL_UI_SERVER_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_UI_SERVER_PATH=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: 'env' };
  }
  const dir = temporalUiCacheDir();
  const cached = join(dir, 'temporal-ui-server');
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  if (!(await commandWorks('go', ['version']))) throw new Error('go is not installed: cannot build the Temporal UI server here');
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const started = Date.now();
  log(`temporal web ui: building github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION} with go install`);
  await run('go', ['install', `github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION}`], { ...process.env, GOBIN: staging, CGO_ENABLED: '0' }, log);
  renameSync(join(staging, 'server'), join(staging, 'temporal-ui-server'));
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  log(`  built in ${seconds(started)}`);
  return { path: cached, source: 'built' };
}

/** A command-line tool from PyPI, pinned, in its own venv under the cache (Schemathesis, the moto S3 server). */
interface PypiTool {
  /** what the log calls it */
  name: string;
  /** the pip requirement, e.g. `moto[server]==5.2.5` */
  requirement: string;
  /** the cache folder's name */
  dir: string;
  /** the executable inside the venv's bin/ */
  bin: string;
  /** an env var that names the executable instead */
  envVar: string;
}

const SCHEMATHESIS: PypiTool = { name: 'schemathesis', requirement: `schemathesis==${SCHEMATHESIS_VERSION}`, dir: `schemathesis-${SCHEMATHESIS_VERSION}`, bin: 'schemathesis', envVar: 'SCHEMATHESIS_PATH' };
/** An S3-compatible server on loopback for the object-storage tests (db/s3-blob-store.ts). */
const MOTO: PypiTool = { name: 'moto S3 server', requirement: `moto[server]==${MOTO_VERSION}`, dir: `moto-${MOTO_VERSION}`, bin: 'moto_server', envVar: 'MOTO_SERVER_PATH' };

/** Written last: a venv without it was interrupted mid-install and is rebuilt. */
const PYPI_DONE = '.installed';

/** Locates a PyPI tool without installing anything. */
function findPypiTool(tool: PypiTool): ResolvedBinary | undefined {
  const fromEnv = process.env[tool.envVar];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${tool.envVar}=${fromEnv} is not an executable file`);
    return { path: fromEnv, source: 'env' };
  }
  const dir = join(cacheRoot(), tool.dir);
  const cached = join(dir, 'bin', tool.bin);
  if (isExecutable(cached) && isFile(join(dir, PYPI_DONE))) return { path: cached, source: 'cache' };
  return undefined;
}

export const findSchemathesis = (): ResolvedBinary | undefined => findPypiTool(SCHEMATHESIS);
export const findMotoServer = (): ResolvedBinary | undefined => findPypiTool(MOTO);

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * A venv at its final place (venv scripts carry absolute paths, so it cannot be built elsewhere and renamed), with
 * the pinned tool from PyPI; the marker file is written only once pip has finished.
 */
async function installPypiTool(tool: PypiTool, log: Log): Promise<ResolvedBinary | undefined> {
  const python = onPath('python3');
  if (!python) {
    log(`  python3 is not installed: cannot install ${tool.name} here`);
    return undefined;
  }
  const dir = join(cacheRoot(), tool.dir);
  rmSync(dir, { recursive: true, force: true });
  const started = Date.now();
  log(`  installing ${tool.requirement} from PyPI into a venv at ${dir}`);
  try {
    await run(python, ['-m', 'venv', dir], process.env, log);
    await run(join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '--no-input', tool.requirement], process.env, log);
  } catch (err) {
    log(`  installing ${tool.name} failed (python3-venv missing?): ${(err as Error).message}`);
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  writeFileSync(join(dir, PYPI_DONE), `${tool.requirement}\n`);
  log(`  installed in ${seconds(started)}`);
  return { path: join(dir, 'bin', tool.bin), source: 'pypi' };
}

async function ensurePypiTool(tool: PypiTool, log: Log): Promise<ResolvedBinary> {
  const started = Date.now();
  const found = findPypiTool(tool);
  if (found) {
    log(`${tool.name}: ${found.path} (${found.source}) [${seconds(started)}]`);
    return found;
  }
  log(`${tool.name}: not found in ${tool.envVar} or cache`);
  const installed = await installPypiTool(tool, log);
  if (!installed) throw new Error(`Could not provide ${tool.name}: python3 with venv and pip is needed (apt-get install python3-venv). Set ${tool.envVar}.`);
  log(`${tool.name}: ${installed.path} (${installed.source}) [${seconds(started)}]`);
  return installed;
}

export const ensureSchemathesis = (log: Log): Promise<ResolvedBinary> => ensurePypiTool(SCHEMATHESIS, log);
export const ensureMotoServer = (log: Log): Promise<ResolvedBinary> => ensurePypiTool(MOTO, log);
