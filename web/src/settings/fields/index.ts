export { FormulaFieldOptions, FORMULA_RETURN_TYPES, type FormulaOptionsValue, type FormulaReturnType } from './formula-field-options';
export { RollupFieldOptions, type RollupFn, type RollupOptionsValue } from './rollup-field-options';
