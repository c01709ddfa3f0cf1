/** Strings of the home feature, Spanish and English with the same keys. */
const es = {
  title: '',
};
const en: typeof es = {
  title: '',
};
export const homeMessages = { es, en };
