/** Shell strings: navigation, header, common words. */
const es = {
  appName: 'Clave',
  tagline: 'CRM para la gestión de cuentas clave',
  nav: { home: 'Inicio', settings: 'Configuración', account: 'Mi cuenta', menu: 'Menú' },
  search: { placeholder: 'Buscar o ir a…', nothing: 'Nada encontrado', shortcut: 'Ctrl + K' },
  userMenu: { account: 'Mi cuenta', signOut: 'Cerrar sesión', language: 'Idioma' },
  common: { save: 'Guardar', cancel: 'Cancelar', delete: 'Eliminar', edit: 'Editar', create: 'Crear', close: 'Cerrar', loading: 'Cargando…', saved: 'Guardado', error: 'Algo ha fallado', retry: 'Reintentar', yes: 'Sí', no: 'No', confirm: 'Confirmar', back: 'Volver', name: 'Nombre', email: 'Correo electrónico', password: 'Contraseña', actions: 'Acciones', none: 'Ninguno' },
  errors: { network: 'No hay conexión con el servidor. Comprueba tu red.', unknown: 'Algo ha fallado. Inténtalo de nuevo.', forbidden: 'No tienes permiso para hacer esto.', notFound: 'Esta página no existe.' },
  notFound: { title: 'Página no encontrada', body: 'La dirección no existe o no tienes acceso.', home: 'Ir al inicio' },
  languages: { es: 'Español', en: 'English' },
};
const en: typeof es = {
  appName: 'Clave',
  tagline: 'The CRM for key account management',
  nav: { home: 'Home', settings: 'Settings', account: 'My account', menu: 'Menu' },
  search: { placeholder: 'Search or jump to…', nothing: 'Nothing found', shortcut: 'Ctrl + K' },
  userMenu: { account: 'My account', signOut: 'Sign out', language: 'Language' },
  common: { save: 'Save', cancel: 'Cancel', delete: 'Delete', edit: 'Edit', create: 'Create', close: 'Close', loading: 'Loading…', saved: 'Saved', error: 'Something went wrong', retry: 'Retry', yes: 'Yes', no: 'No', confirm: 'Confirm', back: 'Back', name: 'Name', email: 'E-mail', password: 'Password', actions: 'Actions', none: 'None' },
  errors: { network: 'Cannot reach the server. Check your network.', unknown: 'Something went wrong. Please try again.', forbidden: 'You do not have permission to do this.', notFound: 'This page does not exist.' },
  notFound: { title: 'Page not found', body: 'The address does not exist or you have no access.', home: 'Go home' },
  languages: { es: 'Español', en: 'English' },
};
export const appMessages = { es, en };
