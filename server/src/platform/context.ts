import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Mailer } from './mail/mailer.js';
import type { EventBus } from './events/event-bus.js';

/**
 * What the platform services are built from. Created once in buildApp and
 * handed to each module's plugin; services take only the parts they use.
 */
export interface AppContext {
  config: Config;
  database: Database;
  mailer: Mailer;
  events: EventBus;
  now: () => Date;
}
