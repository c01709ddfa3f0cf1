import type { RecordBehaviour } from '../../records/index.js';

/**
 * Deals: entering a stage sets the probability to the stage's (unless the
 * change sets one), and entering a won or lost stage sets `closed_at` to now
 * (unless given: imported history keeps its real date). Going back to an open
 * stage clears it.
 */
export const dealStageBehaviour: RecordBehaviour = ({ values, current, module, now }) => {
  if (!('stage' in values) || (current && current.stage === values.stage)) return;
  const stage = module.fields.find((field) => field.apiName === 'stage')?.options.values?.find((value) => value.code === values.stage);
  if (!stage) return;
  if (!('probability' in values) && stage.probability !== undefined) values.probability = String(stage.probability);
  if (stage.outcome === 'won' || stage.outcome === 'lost') {
    if (!('closed_at' in values) || values.closed_at === null) values.closed_at = current?.closed_at ?? now;
  } else if (!('closed_at' in values)) {
    values.closed_at = null;
  }
};
