import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Mailer } from './mail/mailer.js';
import type { EventBus } from './events/event-bus.js';
import type { Jobs } from './jobs/jobs.js';
import type { RealtimeHub } from './events/realtime.js';
import type { Cluster } from './events/cluster.js';

/**
 * What the platform services are built from. Created once in buildApp and
 * handed to each module's plugin; services take only the parts they use.
 */
export interface AppContext {
  config: Config;
  database: Database;
  mailer: Mailer;
  events: EventBus;
  /** Background jobs and schedules (pg-boss): `jobs.send`, `jobs.work`, `jobs.schedule`. */
  jobs: Jobs;
  /** Pushes events to a user's open Server-Sent Events streams, on every node. */
  realtime: RealtimeHub;
  /** Messages between app nodes (LISTEN/NOTIFY on PostgreSQL): cache invalidation and the like. */
  cluster: Cluster;
  now: () => Date;
}
