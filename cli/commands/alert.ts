// alert add --name N (--webhook URL [--secret S] | --slack URL | --email ADDR) [--events LIST],
// alert list, alert remove NAME, alert test NAME, alert deliveries [--limit N]
import type { AlertChannelKind, AlertChannelView } from '../../lib/alerts/channels.ts';
import { UsageError, parseLimit } from '../args.ts';
import { audited, cliActor } from '../audited.ts';
import type { CommandContext } from '../context.ts';
import { table } from '../print.ts';

const eventsText = (c: AlertChannelView) => (c.allEvents ? 'all' : c.events.join(','));

export async function runAlert({ manager, prisma, flags, args, print }: CommandContext): Promise<number> {
  const [sub, name] = args;
  const { alerts } = manager;
  switch (sub) {
    case 'add': {
      const given = (['webhook', 'slack', 'email'] as const).filter((k) => flags[k] !== undefined);
      if (!flags.name || given.length !== 1)
        throw new UsageError('alert add needs --name and exactly one of --webhook URL, --slack URL or --email ADDR');
      const kind: AlertChannelKind = given[0]!;
      if (flags.secret !== undefined && kind !== 'webhook') throw new UsageError('--secret goes with --webhook only');
      const events = flags.events
        ?.split(',')
        .map((e) => e.trim())
        .filter(Boolean);
      const channel = await audited(prisma, 'alert.add', flags.name, (audit) =>
        alerts.channels.add(
          { name: flags.name!, kind, target: flags[kind]!, secret: flags.secret, events },
          { createdBy: cliActor(), audit },
        ),
      );
      print(
        `added alert channel ${channel.name} (${channel.kind} ${channel.target}, events: ${eventsText(channel)})`,
        channel,
      );
      return 0;
    }
    case 'list': {
      const channels = await alerts.channels.list();
      const rows = [['NAME', 'KIND', 'TARGET', 'SIGNED', 'EVENTS', 'CREATED', 'BY']];
      for (const c of channels)
        rows.push([
          c.name,
          c.kind,
          c.target,
          c.hasSecret ? 'yes' : 'no',
          eventsText(c),
          c.createdAt.toISOString(),
          c.createdBy,
        ]);
      print(channels.length ? table(rows) : 'no alert channels', channels);
      return 0;
    }
    case 'remove': {
      if (!name) throw new UsageError('alert remove needs the channel NAME');
      await audited(prisma, 'alert.remove', name, (audit) => alerts.channels.remove(name, audit));
      print(`removed alert channel ${name}`, { name, removed: true });
      return 0;
    }
    case 'test': {
      if (!name) throw new UsageError('alert test needs the channel NAME');
      const sent = await audited(prisma, 'alert.test', name, () => alerts.sendTest(name));
      const detail = [sent.status, sent.error].filter(Boolean).join(': ');
      print(`test alert to ${name}: ${sent.ok ? 'delivered' : 'failed'}${detail ? ` (${detail})` : ''}`, sent);
      return sent.ok ? 0 : 1;
    }
    case 'deliveries': {
      const deliveries = await alerts.deliveries({ limit: parseLimit(flags.limit, 50) });
      const rows = [['AT', 'CHANNEL', 'EVENT', 'ATTEMPT', 'OUTCOME', 'STATUS', 'ERROR']];
      for (const d of deliveries)
        rows.push([
          d.at.toISOString(),
          d.channel,
          d.event,
          String(d.attempt),
          d.outcome,
          d.status ?? '–',
          d.error ?? '',
        ]);
      print(deliveries.length ? table(rows) : 'no alert deliveries', deliveries);
      return 0;
    }
    default:
      throw new UsageError('alert takes add, list, remove, test or deliveries');
  }
}
