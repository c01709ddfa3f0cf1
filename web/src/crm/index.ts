/** What other features mount: the convert button for the lead page, the duplicate warning and the merge screen. */
export { LeadConvertButton } from './components/lead-convert-button';
export { LeadConvertForm } from './components/lead-convert-form';
export { DuplicateWarning } from './components/duplicate-warning';
export { MergeRecords } from './components/merge-records';
export type { DuplicateMatch } from './hooks/use-crm';
