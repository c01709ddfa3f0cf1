/** Strings of the account feature, Spanish and English with the same keys. */
const es = {
  title: '',
};
const en: typeof es = {
  title: '',
};
export const accountMessages = { es, en };
