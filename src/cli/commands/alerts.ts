import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { addAlertRule, createNotifier, describeCondition, evaluateAlerts, interpretRule, notifierOptionsFromEnv, redactRule, removeAlertRule, setAlertRuleEnabled } from '../../alerts';
import { ALERT_ACTIONS, type AlertRule, GLOBAL_SUBJECT } from '../../store';
import { CliFailure, printJson, printTable, runCommand, withStore, withTemporal } from './errors';

/** `dualwrite alerts list|add|remove|enable|disable|status`: alert rules and their firing state. */

interface AddOptions {
  file?: string;
  name?: string;
  map?: string;
  kind?: string;
  class?: string;
  threshold?: string;
  window?: string;
  action?: string;
  email?: string[];
  webhook?: string[];
  webhookSecretEnv?: string;
  disabled?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function readRuleFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliFailure(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliFailure(`${path}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function numberOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new CliFailure(`${flag} ${value}: expected a number`);
  return n;
}

/** The rule as flags describe it; validation (and its messages) is the rule schema's. */
function specFromFlags(opts: AddOptions): unknown {
  if (!opts.name) throw new CliFailure('--name is required (or give the whole rule with --file)');
  if (!opts.kind) throw new CliFailure('--kind is required: errorCount, backlog, lagSeconds or mapFailed');
  const classes = opts.class?.split(',').map((c) => c.trim()).filter(Boolean);
  const condition = {
    kind: opts.kind,
    ...(classes && classes.length > 0 ? { class: classes.length === 1 ? classes[0] : classes } : {}),
    ...(opts.threshold !== undefined ? { threshold: numberOption(opts.threshold, '--threshold') } : {}),
    ...(opts.window !== undefined ? { windowSeconds: numberOption(opts.window, '--window') } : {}),
  };
  const webhooks = (opts.webhook ?? []).map((url) => {
    if (!opts.webhookSecretEnv) throw new CliFailure('--webhook needs --webhook-secret-env <VAR>: the environment variable holding the signing secret of the evaluating process (put a literal secret in a --file rule instead)');
    return { url, secretEnv: opts.webhookSecretEnv };
  });
  const notify = { ...(opts.email?.length ? { email: opts.email } : {}), ...(webhooks.length ? { webhooks } : {}) };
  return {
    name: opts.name,
    ...(opts.map ? { map: opts.map } : {}),
    condition,
    ...(opts.action ? { action: opts.action } : {}),
    ...(Object.keys(notify).length ? { notify } : {}),
    ...(opts.disabled ? { enabled: false } : {}),
  };
}

function conditionText(rule: AlertRule): string {
  try {
    return describeCondition(interpretRule(rule).condition);
  } catch {
    return `invalid: ${JSON.stringify(rule.condition)}`;
  }
}

function notifyText(rule: AlertRule): string {
  const n = rule.notify as { email?: string[]; webhooks?: { url: string }[] } | undefined;
  const parts = [...(n?.email ?? []), ...(n?.webhooks ?? []).map((w) => `webhook ${w.url}`)];
  return parts.join(', ') || '-';
}

export function register(program: Command): void {
  const alerts = program.command('alerts').description('Alert rules: thresholds on errors, backlog, lag and failed maps that notify and can pause or stop a map');

  alerts
    .command('list')
    .description('List alert rules (webhook secrets hidden)')
    .option('--map <map>', 'the rules that apply to this map (its own and the global ones)')
    .option('--json', 'print JSON')
    .action((opts: { map?: string; json?: boolean }) =>
      runCommand(() =>
        withStore(async (store) => {
          const rules = (await store.alerts.listRules(opts.map ? { map: opts.map } : {})).map(redactRule);
          const firing = await store.alerts.listStates({ firing: true });
          if (opts.json) return printJson(rules.map((r) => ({ ...r, firing: firing.filter((s) => s.ruleId === r.id).map((s) => s.subject) })));
          if (rules.length === 0) return console.log('no alert rules (add one with dualwrite alerts add)');
          printTable(
            ['ID', 'NAME', 'MAP', 'CONDITION', 'ACTION', 'NOTIFY', 'ENABLED', 'FIRING'],
            rules.map((r) => [r.id, r.name, r.map ?? GLOBAL_SUBJECT, conditionText(r), r.action, notifyText(r), r.enabled ? 'yes' : 'no', firing.filter((s) => s.ruleId === r.id).map((s) => s.subject).join(',') || '-']),
            100,
          );
        }),
      ),
    );

  alerts
    .command('add')
    .description('Add a rule from flags or from a JSON file ({"name","map","condition":{"kind",...},"action","notify":{"email":[],"webhooks":[{"url","secret"}]}})')
    .option('--file <rule.json>', 'the whole rule as JSON (other flags are then not allowed)')
    .option('--name <name>', 'rule name')
    .option('--map <map>', 'the map it watches; default * (every map, each on its own)')
    .addOption(new Option('--kind <kind>', 'condition').choices(['errorCount', 'backlog', 'lagSeconds', 'mapFailed']))
    .option('--class <classes>', 'errorCount: only these error classes, comma-separated')
    .option('--threshold <n>', 'errorCount: records; backlog: changes; lagSeconds: seconds')
    .option('--window <seconds>', 'errorCount: the time window in seconds')
    .addOption(new Option('--action <action>', 'what to do when it fires (default none)').choices([...ALERT_ACTIONS]))
    .option('--email <address>', 'notify this address (repeatable)', collect)
    .option('--webhook <url>', 'POST signed JSON to this URL (repeatable)', collect)
    .option('--webhook-secret-env <VAR>', 'environment variable with the webhooks\' signing secret')
    .option('--disabled', 'add it disabled')
    .option('--json', 'print the rule as JSON')
    .action((opts: AddOptions) =>
      runCommand(() =>
        withStore(async (store) => {
          let spec: unknown;
          if (opts.file) {
            const { file: _file, json: _json, ...rest } = opts;
            if (Object.values(rest).some((v) => v !== undefined)) throw new CliFailure('--file takes the whole rule: do not combine it with other rule flags');
            spec = readRuleFile(opts.file);
          } else spec = specFromFlags(opts);
          let rule: AlertRule;
          try {
            rule = await addAlertRule(store, spec);
          } catch (e) {
            throw new CliFailure(e instanceof Error ? e.message : String(e));
          }
          if (opts.json) printJson(redactRule(rule));
          else console.log(`added alert rule "${rule.name}" (${rule.id}): ${conditionText(rule)} on ${rule.map ?? 'every map'}, action ${rule.action}`);
        }),
      ),
    );

  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    alerts
      .command(name)
      .description(`${enabled ? 'Enable' : 'Disable'} a rule`)
      .argument('<rule>', 'rule id or name')
      .action((rule: string) =>
        runCommand(() =>
          withStore(async (store) => {
            const updated = await setAlertRuleEnabled(store, rule, enabled);
            console.log(`alert rule "${updated.name}" (${updated.id}) ${enabled ? 'enabled' : 'disabled'}`);
          }),
        ),
      );
  }

  alerts
    .command('remove')
    .description('Delete a rule and its firing state')
    .argument('<rule>', 'rule id or name')
    .action((rule: string) =>
      runCommand(() =>
        withStore(async (store) => {
          const removed = await removeAlertRule(store, rule);
          console.log(`removed alert rule "${removed.name}" (${removed.id})`);
        }),
      ),
    );

  alerts
    .command('status')
    .description('Firing state of every rule and map: since when, the last value, the last notification')
    .option('--firing', 'only alerts that fire now')
    .option('--json', 'print JSON')
    .action((opts: { firing?: boolean; json?: boolean }) =>
      runCommand(() =>
        withStore(async (store) => {
          const rules = new Map((await store.alerts.listRules()).map((r) => [r.id, r]));
          const states = await store.alerts.listStates(opts.firing ? { firing: true } : {});
          if (opts.json) return printJson(states.map((s) => ({ ...s, rule: rules.get(s.ruleId)?.name })));
          if (states.length === 0) return console.log(opts.firing ? 'no alert is firing' : 'no alert has fired yet');
          printTable(
            ['RULE', 'MAP', 'STATUS', 'SINCE', 'VALUE', 'NOTIFIED', 'MESSAGE'],
            states.map((s) => [
              rules.get(s.ruleId)?.name ?? s.ruleId,
              s.subject,
              s.status,
              s.status === 'firing' ? (s.firingSince ?? '') : (s.clearedAt ?? ''),
              s.lastValue === undefined ? '' : String(s.lastValue),
              s.lastNotifiedAt ?? '-',
              s.message ?? '',
            ]),
            100,
          );
        }),
      ),
    );

  alerts
    .command('evaluate')
    .description('Evaluate every enabled rule once now: fire, act and notify as the running loop would (safe alongside it)')
    .option('--json', 'print the evaluation report as JSON')
    .action((opts: { json?: boolean }) =>
      runCommand(async () => {
        const notifier = createNotifier(notifierOptionsFromEnv());
        try {
          const report = await withStore((store) =>
            withTemporal(async (client, problem) => {
              if (problem) console.error(`dualwrite: warning: ${problem}; backlog, lag and failed-map rules cannot be measured and actions cannot be applied`);
              return evaluateAlerts({ store, notifier, ...(client ? { client } : {}) });
            }),
          );
          if (opts.json) printJson(report);
          else {
            console.log(`${report.checks} check(s): ${report.fired.length} fired, ${report.cleared.length} cleared, ${report.unknown.length} unknown`);
            for (const t of report.fired) console.log(`fired: ${t.rule}: ${t.message}${t.actionTaken ? `; ${t.actionTaken}` : ''}`);
            for (const t of report.cleared) console.log(`cleared: ${t.rule}: ${t.message}`);
            for (const u of report.unknown) console.log(`unknown: ${u.reason}`);
          }
          for (const p of report.problems) console.error(`dualwrite: ${p}`);
          if (report.problems.length > 0) process.exitCode = 1;
        } finally {
          notifier.close();
        }
      }),
    );
}
