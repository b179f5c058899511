/**
 * Deterministic corpus of realistic syslog lines for load tests.
 *
 * The same seed always yields the same lines, so two runs (or sluice and
 * a peer daemon) are fed identical input. About 30% of the lines are
 * RFC 5424, the rest RFC 3164, drawn from the sources a SIEM collector
 * sees most: sshd, sudo, netfilter/UFW, Cisco ASA, FortiGate, Windows
 * events forwarded by NXLog, nginx, the kernel, cron and systemd. Every
 * address is private or from the documentation ranges (RFC 5737), every
 * name is made up.
 *
 * As a program: `node dist/loadtest/corpus.js --count N [--seed S]
 * --out FILE` writes one line per message and prints statistics.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';

/** The seed used when none is given, so "the default corpus" is one. */
export const kDefaultSeed = 0x51c3;

/** Share of RFC 5424 lines in a generated corpus. */
export const kRfc5424Share = 0.3;

/** 2024-03-11T08:00:00Z: a fixed start keeps the output reproducible. */
const kStartTimeMs = 1_710_144_000_000;

/** Largest step between two consecutive event times. */
const kMaxTimeStepMs = 5;

const kLf = 0x0a;
const kCr = 0x0d;

// RFC 5424 6.2.1 facility codes used below.
const kFacilityKern = 0;
const kFacilityUser = 1;
const kFacilityDaemon = 3;
const kFacilityAuth = 4;
const kFacilityAuthpriv = 10;
const kFacilityCron = 9;
const kFacilityLocal4 = 20;
const kFacilityLocal5 = 21;
const kFacilityLocal7 = 23;

// RFC 5424 6.2.1 severities.
const kSevError = 3;
const kSevWarning = 4;
const kSevNotice = 5;
const kSevInfo = 6;

/**
 * A small, fast PRNG (SplitMix32 finaliser over a Weyl sequence). Not
 * for anything secret: it only has to be deterministic and well spread.
 */
export class Prng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x9e3779b9) >>> 0;
    let z = this.#state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  hex(digits: number): string {
    let out = '';
    for (let i = 0; i < digits; i++) out += kHexDigits[this.int(0, 15)];
    return out;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

const kHexDigits = '0123456789abcdef';
const kMonths = [
  'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun',
  'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec',
];

const kUsers = [
  'jdoe', 'asmith', 'mkowalski', 'lchen', 'opsbot', 'backup', 'deployer',
  'ci-runner', 'grafana', 'postgres', 'nginx', 'monitor', 'rsanchez',
  'tnguyen', 'kpatel',
];
const kGuessedUsers = [
  'root', 'admin', 'test', 'user', 'oracle', 'ubuntu', 'guest', 'ftp',
  'pi', 'support', 'hadoop', 'steam', 'postgres', 'git',
];
const kLinuxHosts = [
  'web01', 'web02', 'web03', 'api-gw01', 'db-primary', 'db-replica2',
  'jump01', 'build07', 'k8s-w03', 'k8s-w04', 'mx1', 'vpn-edge',
  'files02', 'metrics01', 'cache-a', 'cache-b',
];
const kDomains = ['.lab.example.net', '.prod.example.com', ''];
const kWindowsHosts = [
  'DC01', 'DC02', 'FS01', 'RDS03', 'SQL02', 'WKS-0417', 'WKS-0522',
  'WKS-1180', 'EXCH01', 'PRINT01',
];
const kAsaHosts = ['asa-edge1', 'asa-edge2', 'asa-dmz'];
const kFortiHosts = ['FG-HQ-01', 'FG-BR-12', 'FG-DC-02'];
const kSudoCommands = [
  '/usr/bin/systemctl reload nginx',
  '/usr/bin/apt-get -y upgrade',
  '/usr/bin/journalctl -xe',
  '/usr/bin/docker compose up -d',
  '/bin/less /var/log/secure',
  '/usr/sbin/ss -ltnp',
  '/usr/bin/crontab -l -u backup',
  '/usr/bin/kubectl -n payments rollout restart deploy/api',
];
const kHttpPaths = [
  '/', '/login', '/logout', '/api/v2/orders', '/api/v2/orders/8812',
  '/api/v2/customers/search', '/assets/app.4f2a9c.js', '/assets/site.css',
  '/img/banner.webp', '/healthz', '/.git/config', '/wp-admin/setup.php',
  '/cgi-bin/luci', '/robots.txt', '/download/report.pdf',
];
const kUserAgents = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 ' +
    '(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 ' +
    'Firefox/123.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_3) AppleWebKit/605.1.15 ' +
    '(KHTML, like Gecko) Version/17.3 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 ' +
    '(KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36',
  'curl/7.88.1', 'Prometheus/2.49.1', 'masscan/1.3',
  'Apache-HttpClient/4.5.14 (Java/17.0.9)',
];
const kUnits = [
  'nginx.service', 'docker.service', 'logrotate.service',
  'apt-daily.service', 'certbot.timer', 'node-exporter.service',
  'fstrim.service', 'systemd-tmpfiles-clean.service',
];
const kCronJobs = [
  '/usr/local/sbin/db-dump.sh --all', 'run-parts --report /etc/cron.hourly',
  '/usr/bin/certbot renew -q', 'test -x /usr/sbin/anacron',
  '/opt/scripts/rotate-uploads.sh',
];

/** One kind of source; the weights pick how often each appears. */
interface Source {
  name: string;
  weight: number;
  line(g: CorpusGenerator, rfc5424: boolean): string;
}

/** Options for `CorpusGenerator`. */
export interface CorpusOptions {
  /** PRNG seed; `kDefaultSeed` when absent. */
  seed?: number;
  /** Share of RFC 5424 lines, 0..1; `kRfc5424Share` when absent. */
  rfc5424Share?: number;
}

/** Produces one syslog line (without a line terminator) per `next()`. */
export class CorpusGenerator {
  readonly rng: Prng;
  readonly #share: number;
  readonly #totalWeight: number;
  /** Lines produced so far, by source name. */
  readonly counts: Record<string, number> = {};
  timeMs = kStartTimeMs;

  constructor(options: CorpusOptions = {}) {
    this.rng = new Prng(options.seed ?? kDefaultSeed);
    this.#share = options.rfc5424Share ?? kRfc5424Share;
    this.#totalWeight = kSources.reduce((sum, s) => sum + s.weight, 0);
    for (const s of kSources) this.counts[s.name] = 0;
  }

  next(): string {
    this.timeMs += this.rng.int(0, kMaxTimeStepMs);
    const source = this.#pickSource();
    this.counts[source.name]++;
    return source.line(this, this.rng.chance(this.#share));
  }

  #pickSource(): Source {
    let x = this.rng.next() * this.#totalWeight;
    for (const s of kSources) {
      x -= s.weight;
      if (x < 0) return s;
    }
    return kSources[kSources.length - 1];
  }

  /** RFC 5424 6 header, or the RFC 3164 4.1 header when `rfc5424` is off. */
  header(
    rfc5424: boolean, facility: number, severity: number, host: string,
    app: string, procid: string | undefined, msgid = '-',
  ): string {
    const pri = `<${facility * 8 + severity}>`;
    if (rfc5424) {
      // RFC 5424 6.2.3: ISO time with fraction and an explicit offset.
      const ts = new Date(this.timeMs).toISOString();
      return `${pri}1 ${ts} ${host} ${app} ${procid ?? '-'} ${msgid} `;
    }
    const tag = procid === undefined ? app : `${app}[${procid}]`;
    return `${pri}${bsdTime(this.timeMs)} ${host} ${tag}: `;
  }

  linuxHost(): string {
    return this.rng.pick(kLinuxHosts) + this.rng.pick(kDomains);
  }

  publicIp(): string {
    const net = this.rng.pick(['192.0.2.', '198.51.100.', '203.0.113.']);
    return net + this.rng.int(1, 254);
  }

  privateIp(): string {
    const r = this.rng;
    return `10.${r.int(0, 31)}.${r.int(0, 255)}.${r.int(1, 254)}`;
  }

  port(): number {
    return this.rng.int(1024, 65535);
  }

  pid(): string {
    return String(this.rng.int(300, 4_194_303));
  }
}

/** RFC 3164 4.1.2: "Mmm dd hh:mm:ss", day padded with a space. */
function bsdTime(ms: number): string {
  const d = new Date(ms);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${kMonths[d.getUTCMonth()]} ${day} ${clock(d)}`;
}

function clock(d: Date): string {
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:` +
    pad2(d.getUTCSeconds());
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function mac(rng: Prng): string {
  let out = rng.hex(2);
  for (let i = 1; i < 14; i++) out += `:${rng.hex(2)}`;
  return out;
}

function guid(rng: Prng): string {
  return `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-` +
    rng.hex(12);
}

function sshd(g: CorpusGenerator, rfc5424: boolean, ok: boolean): string {
  const r = g.rng;
  const head = g.header(
    rfc5424, kFacilityAuthpriv, ok ? kSevInfo : kSevNotice, g.linuxHost(),
    'sshd', g.pid());
  const from = `from ${g.publicIp()} port ${g.port()}`;
  if (ok) {
    if (r.chance(0.3)) return `${head}Accepted password for ` +
      `${r.pick(kUsers)} ${from} ssh2`;
    const key = r.pick(['ED25519', 'RSA', 'ECDSA']);
    let fp = '';
    while (fp.length < 43) fp += r.hex(8);
    return `${head}Accepted publickey for ${r.pick(kUsers)} ${from} ssh2: ` +
      `${key} SHA256:${fp.slice(0, 43)}`;
  }
  const user = r.pick(kGuessedUsers);
  const x = r.next();
  if (x < 0.5) {
    const invalid = r.chance(0.6) ? 'invalid user ' : '';
    return `${head}Failed password for ${invalid}${user} ${from} ssh2`;
  }
  if (x < 0.75) return `${head}Invalid user ${user} ${from}`;
  if (x < 0.9) {
    return `${head}pam_unix(sshd:auth): authentication failure; logname= ` +
      `uid=0 euid=0 tty=ssh ruser= rhost=${g.publicIp()}  user=${user}`;
  }
  return `${head}Connection closed by authenticating user ${user} ` +
    `${g.publicIp()} port ${g.port()} [preauth]`;
}

function sudo(g: CorpusGenerator, rfc5424: boolean): string {
  const r = g.rng;
  const user = r.pick(kUsers);
  const head = g.header(
    rfc5424, kFacilityAuthpriv, kSevNotice, g.linuxHost(), 'sudo', undefined);
  const tail = `TTY=pts/${r.int(0, 6)} ; PWD=/home/${user} ; USER=root ; ` +
    `COMMAND=${r.pick(kSudoCommands)}`;
  if (r.chance(0.1)) {
    return `${head}${user} : ${r.int(1, 3)} incorrect password attempts ; ` +
      tail;
  }
  return `${head}${user} : ${tail}`;
}

function netfilter(g: CorpusGenerator, rfc5424: boolean): string {
  const r = g.rng;
  const prefix = r.pick([
    '[UFW BLOCK]', '[UFW ALLOW]', 'IPT-INPUT-DROP:', 'IPT-FWD-ACCEPT:',
  ]);
  const uptime = `${r.int(1000, 9_999_999)}.${r.int(100000, 999999)}`;
  const tcp = r.chance(0.75);
  const ports = `SPT=${g.port()} DPT=${r.pick([22, 23, 80, 443, 445, 3389,
    5900, 8080, 53, 161])}`;
  const l4 = tcp
    ? `PROTO=TCP ${ports} WINDOW=${r.int(1024, 65535)} RES=0x00 SYN URGP=0`
    : `PROTO=UDP ${ports} LEN=${r.int(16, 512)}`;
  const msg = `[${uptime.padStart(14, ' ')}] ${prefix} IN=${r.pick(['eth0',
    'ens18', 'bond0'])} OUT= MAC=${mac(r)} SRC=${g.publicIp()} ` +
    `DST=${g.privateIp()} LEN=${r.int(40, 1500)} TOS=0x00 PREC=0x00 ` +
    `TTL=${r.int(32, 128)} ID=${r.int(1, 65535)} ` +
    `${r.chance(0.5) ? 'DF ' : ''}${l4}`;
  return g.header(
    rfc5424, kFacilityKern, kSevWarning, g.linuxHost(), 'kernel', undefined) +
    msg;
}

function ciscoAsa(g: CorpusGenerator, rfc5424: boolean): string {
  const r = g.rng;
  const x = r.next();
  let body: string;
  let sev = kSevInfo;
  if (x < 0.35) {
    body = `%ASA-6-302013: Built ${r.pick(['inbound', 'outbound'])} TCP ` +
      `connection ${r.int(1e6, 4e9)} for outside:${g.publicIp()}/` +
      `${g.port()} (${g.publicIp()}/${g.port()}) to inside:` +
      `${g.privateIp()}/443 (${g.privateIp()}/443)`;
  } else if (x < 0.6) {
    body = `%ASA-6-302014: Teardown TCP connection ${r.int(1e6, 4e9)} for ` +
      `outside:${g.publicIp()}/${g.port()} to inside:${g.privateIp()}/443 ` +
      `duration ${r.int(0, 2)}:${pad2(r.int(0, 59))}:${pad2(r.int(0, 59))} ` +
      `bytes ${r.int(60, 8_000_000)} ${r.pick(['TCP FINs',
        'TCP Reset-O', 'TCP Reset-I', 'Idle Timeout'])}`;
  } else if (x < 0.9) {
    sev = kSevWarning;
    body = `%ASA-4-106023: Deny ${r.pick(['tcp', 'udp'])} src outside:` +
      `${g.publicIp()}/${g.port()} dst inside:${g.privateIp()}/` +
      `${r.pick([22, 445, 1433, 3389])} by access-group "outside_access_in" ` +
      `[0x${r.hex(8)}, 0x0]`;
  } else {
    sev = kSevError;
    body = `%ASA-3-713167: Group = RemoteAccess, Username = ` +
      `${r.pick(kUsers)}, IP = ${g.publicIp()}, Remote peer has failed ` +
      'user authentication';
  }
  const host = r.pick(kAsaHosts);
  if (rfc5424) {
    return g.header(true, kFacilityLocal4, sev, host, '%ASA', undefined) +
      body;
  }
  // ASA's own "logging timestamp" form: year present, no TAG, host then ':'.
  const d = new Date(g.timeMs);
  return `<${kFacilityLocal4 * 8 + sev}>${kMonths[d.getUTCMonth()]} ` +
    `${pad2(d.getUTCDate())} ${d.getUTCFullYear()} ${clock(d)} ${host} : ` +
    body;
}

function fortigate(g: CorpusGenerator, rfc5424: boolean): string {
  const r = g.rng;
  const deny = r.chance(0.35);
  const d = new Date(g.timeMs);
  const iso = d.toISOString();
  const host = r.pick(kFortiHosts);
  const kv = `date=${iso.slice(0, 10)} time=${iso.slice(11, 19)} ` +
    `devname="${host}" devid="FG100FTK${r.int(10_000_000, 99_999_999)}" ` +
    `eventtime=${g.timeMs}${r.int(100000, 999999)} tz="+0000" ` +
    `logid="${deny ? '0000000013' : '0000000020'}" type="traffic" ` +
    `subtype="forward" level="${deny ? 'warning' : 'notice'}" vd="root" ` +
    `srcip=${g.privateIp()} srcport=${g.port()} srcintf="internal" ` +
    `srcintfrole="lan" dstip=${g.publicIp()} dstport=${r.pick([53, 80, 443,
      993, 8443])} dstintf="wan1" dstintfrole="wan" srccountry="Reserved" ` +
    `dstcountry="${r.pick(['United States', 'France', 'Japan',
      'Reserved'])}" sessionid=${r.int(1e6, 2e9)} proto=${r.pick([6, 17])} ` +
    `action="${deny ? 'deny' : r.pick(['accept', 'close', 'timeout'])}" ` +
    `policyid=${r.int(1, 120)} policytype="policy" ` +
    `poluuid="${guid(r)}" policyname="${deny ? 'block-geo' : 'lan-out'}" ` +
    `service="${r.pick(['HTTPS', 'DNS', 'HTTP', 'IMAPS'])}" ` +
    `trandisp="snat" transip=${g.publicIp()} transport=${g.port()} ` +
    `appcat="unscanned" duration=${r.int(0, 900)} ` +
    `sentbyte=${r.int(0, 5_000_000)} rcvdbyte=${r.int(0, 50_000_000)} ` +
    `sentpkt=${r.int(0, 9000)} rcvdpkt=${r.int(0, 40000)}` +
    (deny ? ' crscore=30 craction=131072 crlevel="high"' : '');
  // FortiOS sends no TAG in its BSD format; the kv text follows the host.
  if (rfc5424) {
    return g.header(
      true, kFacilityLocal7, deny ? kSevWarning : kSevNotice, host,
      'fortigate', undefined) + kv;
  }
  return `<${kFacilityLocal7 * 8 + (deny ? kSevWarning : kSevNotice)}>` +
    `${bsdTime(g.timeMs)} ${host} ${kv}`;
}

/** A Windows Security event as NXLog's `to_json()` renders it. */
function windows(g: CorpusGenerator, rfc5424: boolean): string {
  const r = g.rng;
  const ok = r.chance(0.6);
  const host = `${r.pick(kWindowsHosts)}.corp.example.com`;
  const logonType = r.pick([2, 3, 3, 3, 10]);
  const d = new Date(g.timeMs);
  const when = `${d.toISOString().slice(0, 10)} ${clock(d)}`;
  const event = {
    EventTime: when,
    Hostname: host,
    Keywords: ok ? '-9214364837600034816' : '-9218868437227405312',
    EventType: ok ? 'AUDIT_SUCCESS' : 'AUDIT_FAILURE',
    SeverityValue: ok ? 2 : 4,
    Severity: ok ? 'INFO' : 'ERROR',
    EventID: ok ? 4624 : 4625,
    SourceName: 'Microsoft-Windows-Security-Auditing',
    ProviderGuid: `{${guid(r).toUpperCase()}}`,
    Task: 12544,
    RecordNumber: r.int(1e6, 9e8),
    ProcessID: r.int(500, 900),
    ThreadID: r.int(1000, 9000),
    Channel: 'Security',
    Message: ok
      ? 'An account was successfully logged on.'
      : 'An account failed to log on.',
    SubjectUserSid: 'S-1-5-18',
    SubjectDomainName: 'CORP',
    TargetUserName: r.pick(ok ? kUsers : kGuessedUsers),
    TargetDomainName: 'CORP',
    Status: ok ? undefined : '0xc000006d',
    SubStatus: ok ? undefined : r.pick(['0xc000006a', '0xc0000064']),
    LogonType: logonType,
    LogonProcessName: logonType === 3 ? 'NtLmSsp' : 'User32',
    AuthenticationPackageName: logonType === 3 ? 'NTLM' : 'Negotiate',
    WorkstationName: r.pick(kWindowsHosts),
    IpAddress: ok ? g.privateIp() : g.publicIp(),
    IpPort: String(g.port()),
  };
  const sev = ok ? kSevNotice : kSevWarning;
  return g.header(
    rfc5424, kFacilityAuth, sev, host, 'Microsoft-Windows-Security-Auditing',
    String(event.ProcessID), String(event.EventID)) + JSON.stringify(event);
}

function nginx(g: CorpusGenerator, rfc5424: boolean): string {
  const r = g.rng;
  const status = r.pick([200, 200, 200, 200, 204, 301, 304, 401, 403, 404,
    404, 499, 500, 502]);
  const d = new Date(g.timeMs);
  const when = `${pad2(d.getUTCDate())}/${kMonths[d.getUTCMonth()]}/` +
    `${d.getUTCFullYear()}:${clock(d)} +0000`;
  const query = r.chance(0.3) ? `?page=${r.int(1, 40)}&sort=desc` : '';
  const referer = r.chance(0.6)
    ? `https://shop.example.com${r.pick(kHttpPaths)}` : '-';
  const line = `${g.publicIp()} - ${r.chance(0.15) ? r.pick(kUsers) : '-'} ` +
    `[${when}] "${r.pick(['GET', 'GET', 'GET', 'POST', 'HEAD', 'PUT'])} ` +
    `${r.pick(kHttpPaths)}${query} HTTP/${r.pick(['1.1', '2.0'])}" ` +
    `${status} ${r.int(0, 180_000)} "${referer}" "${r.pick(kUserAgents)}" ` +
    `rt=${r.int(0, 3000) / 1000} ua="${g.privateIp()}:8080"`;
  return g.header(
    rfc5424, kFacilityLocal5, status >= 500 ? kSevError : kSevInfo,
    g.linuxHost(), 'nginx', undefined, 'access') + line;
}

function kernel(g: CorpusGenerator, rfc5424: boolean): string {
  const r = g.rng;
  const x = r.next();
  let msg: string;
  if (x < 0.3) {
    msg = `Out of memory: Killed process ${g.pid()} ` +
      `(${r.pick(['java', 'node', 'postgres'])}) total-vm:${r.int(1e6, 9e6)}` +
      `kB, anon-rss:${r.int(1e5, 4e6)}kB, file-rss:0kB, shmem-rss:0kB, ` +
      `UID:${r.int(100, 2000)} pgtables:${r.int(1000, 9000)}kB oom_score_adj:0`;
  } else if (x < 0.6) {
    msg = `EXT4-fs (${r.pick(['sda1', 'nvme0n1p2', 'dm-0'])}): ` +
      `mounted filesystem ${guid(r)} r/w with ordered data mode. ` +
      'Quota mode: none.';
  } else if (x < 0.8) {
    msg = `TCP: request_sock_TCP: Possible SYN flooding on port ` +
      `${r.pick([80, 443, 8443])}. Sending cookies.  Check SNMP counters.`;
  } else {
    msg = `nf_conntrack: nf_conntrack: table full, dropping packet`;
  }
  return g.header(
    rfc5424, kFacilityKern, r.pick([kSevError, kSevWarning, kSevInfo]),
    g.linuxHost(), 'kernel', undefined) + msg;
}

function cronOrSystemd(g: CorpusGenerator, rfc5424: boolean): string {
  const r = g.rng;
  const host = g.linuxHost();
  if (r.chance(0.45)) {
    const head = g.header(
      rfc5424, kFacilityCron, kSevInfo, host, 'CRON', g.pid());
    return `${head}(${r.pick(['root', 'backup', 'www-data'])}) CMD ` +
      `(${r.pick(kCronJobs)})`;
  }
  const unit = r.pick(kUnits);
  const head = g.header(
    rfc5424, kFacilityDaemon, kSevInfo, host, 'systemd', '1');
  const x = r.next();
  if (x < 0.4) return `${head}Started ${unit} - ${unit.split('.')[0]}.`;
  if (x < 0.7) return `${head}${unit}: Deactivated successfully.`;
  if (x < 0.9) {
    return `${head}${unit}: Consumed ${r.int(0, 90)}.${r.int(100, 999)}s ` +
      'CPU time.';
  }
  return `${head}${unit}: Main process exited, code=exited, ` +
    `status=${r.int(1, 3)}/FAILURE`;
}

/**
 * Weights tuned so the mean line is about 500 bytes: Windows and
 * FortiGate events run 700-1000 bytes, sshd and cron 100-200.
 */
const kSources: readonly Source[] = [
  { name: 'sshd-accept', weight: 4, line: (g, v) => sshd(g, v, true) },
  { name: 'sshd-fail', weight: 8, line: (g, v) => sshd(g, v, false) },
  { name: 'sudo', weight: 3, line: sudo },
  { name: 'netfilter', weight: 8, line: netfilter },
  { name: 'cisco-asa', weight: 8, line: ciscoAsa },
  { name: 'fortigate', weight: 25, line: fortigate },
  { name: 'windows', weight: 30, line: windows },
  { name: 'nginx', weight: 12, line: nginx },
  { name: 'kernel', weight: 3, line: kernel },
  { name: 'cron-systemd', weight: 4, line: cronOrSystemd },
];

/** Names of the sources a generated corpus mixes. */
export const kSourceNames: readonly string[] = kSources.map((s) => s.name);

/** `count` lines from a fresh generator. */
export function generateCorpus(
  count: number, options: CorpusOptions = {},
): string[] {
  const gen = new CorpusGenerator(options);
  const lines = new Array<string>(count);
  for (let i = 0; i < count; i++) lines[i] = gen.next();
  return lines;
}

/**
 * The non-empty lines of a file, one Buffer per line, without their LF
 * (or CRLF). The Buffers share the file's memory.
 */
export function readCorpusFile(path: string): Buffer[] {
  const data = readFileSync(path);
  const lines: Buffer[] = [];
  let start = 0;
  while (start < data.length) {
    let end = data.indexOf(kLf, start);
    if (end === -1) end = data.length;
    let stop = end;
    if (stop > start && data[stop - 1] === kCr) stop--;
    if (stop > start) lines.push(data.subarray(start, stop));
    start = end + 1;
  }
  return lines;
}

/** Size and format figures of a corpus. */
export interface CorpusStats {
  lines: number;
  /** Bytes of all lines plus one LF each. */
  bytes: number;
  averageBytes: number;
  minBytes: number;
  maxBytes: number;
  /** Share of lines that start like RFC 5424 (`<PRI>1 `). */
  rfc5424Share: number;
}

export function corpusStats(lines: readonly (string | Buffer)[]): CorpusStats {
  let bytes = 0;
  let min = Infinity;
  let max = 0;
  let modern = 0;
  for (const line of lines) {
    const text = typeof line === 'string'
      ? line : line.toString('latin1', 0, 8);
    const n = typeof line === 'string' ? Buffer.byteLength(line) : line.length;
    bytes += n + 1;
    if (n < min) min = n;
    if (n > max) max = n;
    if (isRfc5424(text)) modern++;
  }
  const count = lines.length;
  return {
    lines: count,
    bytes,
    averageBytes: count === 0 ? 0 : bytes / count,
    minBytes: count === 0 ? 0 : min,
    maxBytes: max,
    rfc5424Share: count === 0 ? 0 : modern / count,
  };
}

/** RFC 5424 6: "<" PRIVAL ">" VERSION SP, with VERSION 1. */
function isRfc5424(text: string): boolean {
  const close = text.indexOf('>');
  return close > 1 && close <= 4 && text.startsWith('1 ', close + 1);
}

/** Writes `count` generated lines to `path`, in blocks to bound memory. */
export function writeCorpus(
  path: string, count: number, options: CorpusOptions = {},
): CorpusStats & { sources: Record<string, number> } {
  const kBlockLines = 10_000;
  const gen = new CorpusGenerator(options);
  const fd = openSync(path, 'w');
  const totals = { bytes: 0, min: Infinity, max: 0, modern: 0 };
  try {
    for (let done = 0; done < count; done += kBlockLines) {
      const block: string[] = [];
      for (let i = done; i < Math.min(count, done + kBlockLines); i++) {
        block.push(gen.next());
      }
      const s = corpusStats(block);
      totals.bytes += s.bytes;
      totals.min = Math.min(totals.min, s.minBytes);
      totals.max = Math.max(totals.max, s.maxBytes);
      totals.modern += s.rfc5424Share * s.lines;
      writeSync(fd, block.join('\n') + '\n');
    }
  } finally {
    closeSync(fd);
  }
  return {
    lines: count,
    bytes: totals.bytes,
    averageBytes: count === 0 ? 0 : totals.bytes / count,
    minBytes: count === 0 ? 0 : totals.min,
    maxBytes: totals.max,
    rfc5424Share: count === 0 ? 0 : Math.round(totals.modern) / count,
    sources: { ...gen.counts },
  };
}

function main(argv: string[]): void {
  const program = new Command('corpus')
    .description('write a deterministic syslog corpus, one line per message')
    .requiredOption('--out <file>', 'output file')
    .option('--count <n>', 'number of lines', '1000000')
    .option('--seed <n>', 'PRNG seed', String(kDefaultSeed))
    .parse(argv);
  const opts = program.opts<{ out: string; count: string; seed: string }>();
  const stats = writeCorpus(opts.out, positiveInt(opts.count, '--count'), {
    seed: positiveInt(opts.seed, '--seed'),
  });
  process.stdout.write(JSON.stringify({ file: opts.out, ...stats }) + '\n');
}

function positiveInt(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new Error(`${name} must be a whole number >= 0, got "${text}"`);
  }
  return n;
}

const invoked = process.argv[1];
if (invoked && import.meta.url === pathToFileURL(invoked).href) {
  main(process.argv);
}
