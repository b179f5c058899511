import { test } from 'uvu';
import * as assert from 'uvu/assert';

import {
  type Classification,
  Classifier,
} from '../../../workers/classify/engine.js';
import { loadRules } from '../../../workers/classify/rules.js';
import { fillMessage } from './message-helper.js';

const classifier = new Classifier(loadRules());

/** [line, ruleId, category, eventType, riskScore] */
type Case = [string, string, string, string, number];

function check(cases: Case[]): void {
  const out: Classification = {
    category: '', eventType: '', riskScore: -1, ruleId: 'stale',
  };
  for (const [line, ruleId, category, eventType, riskScore] of cases) {
    classifier.classify(fillMessage(line), out);
    assert.equal({ ...out }, { category, eventType, riskScore, ruleId },
      line);
  }
}

// Scores below follow schemas/rules.md: base + severity points (emerg 30,
// alert 25, crit 20, err 10, warning 5, notice/info 0, debug -5) + signals
// (privileged account +15, failure word +10, web probe +20).

test('sshd logins, failures and pre-auth disconnects', () => {
  check([
    ['<38>May 14 09:12:01 bastion-01 sshd[4121]: Accepted publickey for ' +
      'alice from 203.0.113.18 port 51122 ssh2: ED25519 SHA256:AAAA',
    'sshd-accepted', 'authentication', 'start', 15],
    ['<38>May 14 09:12:02 bastion-01 sshd[4122]: Accepted password for ' +
      'root from 203.0.113.18 port 51123 ssh2',
    'sshd-accepted', 'authentication', 'start', 30],
    ['<37>May 14 09:12:03 bastion-01 sshd[4123]: Failed password for ' +
      'invalid user oracle from 198.51.100.7 port 40022 ssh2',
    'sshd-failed-invalid-user', 'authentication', 'denied', 45],
    ['<38>May 14 09:12:04 bastion-01 sshd[4124]: Failed password for root ' +
      'from 198.51.100.7 port 40023 ssh2',
    'sshd-failed', 'authentication', 'denied', 55],
    ['<38>May 14 09:12:05 bastion-01 sshd[4125]: Invalid user ftpuser ' +
      'from 198.51.100.7 port 40024',
    'sshd-invalid-user', 'authentication', 'denied', 35],
    ['<37>May 14 09:12:06 bastion-01 sshd[4126]: pam_unix(sshd:auth): ' +
      'authentication failure; logname= uid=0 euid=0 tty=ssh ruser= ' +
      'rhost=198.51.100.7  user=bob',
    'sshd-auth-failure', 'authentication', 'denied', 35],
    ['<38>May 14 09:12:07 bastion-01 sshd[4127]: Disconnected from ' +
      'authenticating user root 198.51.100.7 port 40025 [preauth]',
    'sshd-preauth-disconnect', 'authentication', 'denied', 40],
  ]);
});

test('sudo, su and PAM', () => {
  check([
    ['<85>May 14 09:13:00 app-07 sudo: carol : TTY=pts/1 ; PWD=/home/carol ' +
      '; USER=root ; COMMAND=/usr/bin/systemctl restart nginx',
    'sudo-command', 'process', 'start', 30],
    ['<85>May 14 09:13:01 app-07 sudo: dave : 3 incorrect password ' +
      'attempts ; TTY=pts/2 ; PWD=/home/dave ; USER=root ; COMMAND=/bin/bash',
    'sudo-auth-failure', 'authentication', 'denied', 65],
    ['<85>May 14 09:13:02 app-07 sudo: mallory : user NOT in sudoers ; ' +
      'TTY=pts/3 ; PWD=/home/mallory ; USER=root ; COMMAND=/bin/cat x',
    'sudo-not-in-sudoers', 'authentication', 'denied', 80],
    ['<85>May 14 09:13:03 app-07 su: FAILED SU (to root) eve on pts/4',
      'su-failed', 'authentication', 'denied', 65],
    ['<86>May 14 09:13:04 app-07 su: (to root) carol on pts/5',
      'su-success', 'session', 'start', 40],
    ['<86>May 14 09:22:00 app-07 login[700]: pam_unix(login:auth): ' +
      'authentication failure; logname=LOGIN uid=0 euid=0 tty=tty1 ruser= ' +
      'rhost=  user=root',
    'pam-auth-failure', 'authentication', 'denied', 50],
  ]);
});

test('account management (iam)', () => {
  check([
    ['<86>May 14 09:14:00 app-07 useradd[911]: new user: name=svc_report, ' +
      'UID=1005, GID=1005, home=/home/svc_report, shell=/bin/bash',
    'iam-user-created', 'iam', 'creation', 50],
    ["<86>May 14 09:14:01 app-07 usermod[912]: add 'svc_report' to group " +
      "'sudo'",
    'iam-group-membership', 'iam', 'change', 60],
    ['<85>May 14 09:14:02 app-07 passwd[913]: pam_unix(passwd:chauthtok): ' +
      'password changed for svc_report',
    'iam-password-changed', 'iam', 'change', 35],
    ["<86>May 14 09:14:03 app-07 userdel[914]: delete user 'svc_old'",
      'iam-user-deleted', 'iam', 'deletion', 45],
  ]);
});

test('netfilter (iptables, UFW, nftables) and kernel errors', () => {
  const tail = ' IN=eth0 OUT= MAC=00:16:3e:00:00:01:00:16:3e:00:00:02:08:00 ' +
    'SRC=192.0.2.44 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=1 DF ' +
    'PROTO=TCP SPT=51515 DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0';
  check([
    ['<4>May 14 09:15:00 web-03 kernel: [ 8812.000101] UFW BLOCK:' + tail,
      'netfilter-deny', 'network', 'denied', 30],
    ['<4>May 14 09:15:01 web-03 kernel: [ 8812.000202] IPTABLES-ACCEPT:' +
      tail, 'netfilter-allow', 'network', 'allowed', 5],
    ['<4>May 14 09:15:02 web-03 kernel: [ 8812.000303] nft-in:' + tail,
      'netfilter-other', 'network', 'connection', 10],
    ['<3>May 14 09:15:03 web-03 kernel: [ 8813.1] Out of memory: Killed ' +
      'process 4242 (java) total-vm:8123456kB',
    'kernel-oom', 'host', 'error', 55],
    ['<3>May 14 09:15:04 web-03 kernel: [ 8813.2] sd 0:0:0:0: [sda] tag#3 ' +
      'FAILED Result: hostbyte=DID_OK driverbyte=DRIVER_OK',
    'kernel-error', 'host', 'error', 40],
  ]);
});

test('Cisco ASA by message number', () => {
  check([
    ['<166>May 14 2024 09:16:00 asa-fw01 : %ASA-6-302013: Built inbound ' +
      'TCP connection 4242 for outside:192.0.2.10/51000 (192.0.2.10/51000) ' +
      'to inside:10.1.1.5/443 (10.1.1.5/443)',
    'asa-302013-built', 'network', 'start', 0],
    ['<164>May 14 2024 09:16:01 asa-fw01 : %ASA-4-106023: Deny tcp src ' +
      'outside:192.0.2.11/51001 dst inside:10.1.1.6/3389 by access-group ' +
      '"OUTSIDE_IN" [0x1a2b3c4d, 0x0]',
    'asa-106023-deny', 'network', 'denied', 30],
    ['<164>May 14 2024 09:16:02 asa-vpn01 : %ASA-6-113005: AAA user ' +
      'authentication Rejected : reason = AAA failure : server = 10.1.1.2 : ' +
      'user = admin : user IP = 192.0.2.12',
    'asa-113005-aaa-rejected', 'authentication', 'denied', 65],
    ['<166>May 14 2024 09:16:03 asa-fw01 : %ASA-6-302014: Teardown TCP ' +
      'connection 4242 for outside:192.0.2.10/51000 to inside:10.1.1.5/443 ' +
      'duration 0:01:02 bytes 5120 TCP FINs',
    'asa-302014-teardown', 'network', 'end', 0],
    // The level digit is the device's choice; the rule keys on 106023.
    ['<162>May 14 2024 09:16:04 asa-fw01 : %ASA-2-106023: Deny udp src ' +
      'outside:192.0.2.13/53 dst inside:10.1.1.7/53 by access-group "X"',
    'asa-106023-deny', 'network', 'denied', 45],
  ]);
});

test('FortiGate action=deny|accept', () => {
  const head = 'date=2024-05-14 time=09:17:00 devname="fgt-dc-01" ' +
    'devid="FGT60E0000000001" logid="0000000013" type="traffic" ' +
    'subtype="forward" vd="root" srcip=10.2.3.4 dstip=192.0.2.20 ';
  check([
    ['<132>May 14 09:17:00 fgt-dc-01 fortigate: ' + head +
      'action="deny" policyid=17',
    'fortigate-deny', 'network', 'denied', 30],
    ['<133>May 14 09:17:01 fgt-dc-01 filterlog: ' + head +
      'action="accept" policyid=12',
    'fortigate-allow', 'network', 'allowed', 0],
    ['<133>May 14 09:17:02 fgt-dc-01 fortigate: ' + head +
      'action=deny policyid=12',
    'fortigate-deny', 'network', 'denied', 25],
  ]);
});

test('Windows Security events from NXLog and Snare', () => {
  check([
    ['<109>1 2024-05-14T09:18:00.000000Z WS009.corp.example.com ' +
      'Microsoft-Windows-Security-Auditing 880 4624 [win@32473 ' +
      'EventID="4624" Channel="Security"] EventID=4624 ' +
      'EventType=AUDIT_SUCCESS Channel=Security TargetUserName=alice ' +
      'LogonType=10 IpAddress=10.3.3.3',
    'win-4624-logon', 'authentication', 'start', 10],
    ['<108>May 14 09:18:01 DC001.corp.example.com MSWinEventLog: ' +
      '1\tSecurity\t5521\t4625\tEventID=4625 EventType=AUDIT_FAILURE ' +
      'TargetUserName=Administrator Status=0xc000006d LogonType=3',
    'win-4625-logon-failed', 'authentication', 'denied', 65],
    ['<108>May 14 09:18:02 DC001.corp.example.com MSWinEventLog: ' +
      '1\tSecurity\t5522\t4672\tSpecial privileges assigned to new logon.',
    'win-4672-special-privileges', 'iam', 'admin', 35],
    ['<109>1 2024-05-14T09:18:03.000000Z DC001.corp.example.com ' +
      'Microsoft-Windows-Security-Auditing 880 4720 - EventID=4720 ' +
      'EventType=AUDIT_SUCCESS TargetUserName=svc_temp',
    'win-4720-user-created', 'iam', 'creation', 50],
    ['<108>May 14 09:18:04 DC001.corp.example.com MSWinEventLog: ' +
      '1\tSecurity\t5524\t4740\tEventID=4740 TargetUserName=bob',
    'win-4740-account-locked', 'iam', 'change', 55],
  ]);
});

test('web access logs by status class', () => {
  const at = ' - - [14/May/2024:09:19:00 +0000] ';
  check([
    ['<134>May 14 09:19:00 web-03 nginx[800]: 192.0.2.77' + at +
      '"GET /index.html HTTP/1.1" 200 5120 "-" "curl/8.5.0"',
    'web-access', 'web', 'access', 0],
    ['<134>May 14 09:19:01 web-03 nginx[800]: 192.0.2.77' + at +
      '"GET /.env HTTP/1.1" 404 153 "-" "Zgrab/0.x"',
    'web-client-error', 'web', 'error', 30],
    ['<131>May 14 09:19:02 web-03 apache2[801]: 192.0.2.78' + at +
      '"POST /api/v1/orders HTTP/1.1" 502 0 "-" "python-requests/2.31.0"',
    'web-server-error', 'web', 'error', 25],
    ['<134>May 14 09:19:03 web-03 haproxy[802]: 192.0.2.79' + at +
      '"GET /admin HTTP/2.0" 403 12 "-" "Mozilla/5.0"',
    'web-auth-denied', 'web', 'denied', 20],
  ]);
});

test('cron, systemd and postfix', () => {
  check([
    ['<78>May 14 09:20:00 app-07 CRON[5150]: (root) CMD (run-parts ' +
      '/etc/cron.hourly)',
    'cron-command', 'process', 'start', 5],
    ['<30>1 2024-05-14T09:20:01.000000Z app-07 systemd 1 - - Started ' +
      'nginx.service.',
    'systemd-unit-started', 'process', 'start', 0],
    ["<27>May 14 09:20:02 app-07 systemd[1]: nginx.service: Failed with " +
      "result 'exit-code'.",
    'systemd-unit-failed', 'process', 'error', 40],
    ['<22>May 14 09:21:00 mail-01 postfix/smtpd[3001]: 1A2B3C4D5E: ' +
      'client=unknown[192.0.2.90], sasl_method=LOGIN, ' +
      'sasl_username=bob@example.com',
    'postfix-sasl-login', 'authentication', 'start', 10],
  ]);
});

test('no rule: category from facility, error for err and worse', () => {
  check([
    ['<11>1 2024-05-14T09:23:00.000000Z app-07 payments-api 231 app - ' +
      '{"level":"error","msg":"upstream timeout"}',
    '', 'host', 'error', 25],
    ['<14>1 2024-05-14T09:23:01.000000Z app-07 payments-api 231 app - ' +
      '{"level":"info","msg":"request completed"}',
    '', 'host', 'info', 5],
    ['<34>May 14 09:23:02 app-07 mystery: something about login',
      '', 'authentication', 'error', 25],
    ['<22>May 14 09:23:02 mail-01 mystery: queue run',
      '', 'email', 'info', 5],
    ['<0>May 14 09:23:03 app-07 mystery: disk on fire',
      '', 'host', 'error', 35],
    ['no header at all, just text', '', 'host', 'info', 5],
  ]);
});

test.run();
