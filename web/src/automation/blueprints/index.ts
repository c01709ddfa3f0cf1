/** Blueprints in the web app: the record page's panel and the hook that says which field a Blueprint governs. */
export { BlueprintPanel } from './components/blueprint-panel';
export { useRecordBlueprint } from './api';
