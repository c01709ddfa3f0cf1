/** Strings of the settings feature, Spanish and English with the same keys. */
const es = {
  title: '',
};
const en: typeof es = {
  title: '',
};
export const settingsMessages = { es, en };
