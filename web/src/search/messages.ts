/** Global search strings: the command palette's record results and the search results page. */
export const searchMessages = {
  es: {
    records: 'Registros',
    searching: 'Buscando…',
    seeAll: 'Ver todos los resultados de «{{q}}»',
    title: 'Buscar',
    placeholder: 'Nombre, correo electrónico, teléfono, empresa…',
    tooShort: 'Escribe al menos 2 letras o números.',
    none: 'Nada encontrado para «{{q}}».',
    count_one: '{{count}} resultado',
    count_other: '{{count}} resultados',
    matched: 'Coincide en {{field}}',
    failed: 'No se pudo buscar. Inténtalo de nuevo.',
  },
  en: {
    records: 'Records',
    searching: 'Searching…',
    seeAll: 'See all results for “{{q}}”',
    title: 'Search',
    placeholder: 'Name, e-mail, phone, company…',
    tooShort: 'Type at least 2 letters or digits.',
    none: 'Nothing found for “{{q}}”.',
    count_one: '{{count}} result',
    count_other: '{{count}} results',
    matched: 'Matches {{field}}',
    failed: 'The search failed. Please try again.',
  },
};
