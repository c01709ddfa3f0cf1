/**
 * Strings of the action editors' newer parts (part of the automation namespace, under `actionEditor`): the record a
 * field update writes, the webhook request (method, headers, body template, merge-field picker) and what an
 * escalation level changes on the case. Spanish first, the same keys in English.
 */
const es = {
  target: {
    label: 'Registro',
    record: 'Este registro',
    lookup: '{{label}} (registro relacionado)',
    hint: 'Con un registro relacionado, se actualiza el registro al que apunta ese campo; si está vacío, la acción se omite.',
  },
  webhook: {
    method: 'Método',
    contentType: 'Tipo de contenido',
    contentTypes: { json: 'JSON', form: 'Formulario (x-www-form-urlencoded)', text: 'Texto sin formato' },
    headers: 'Cabeceras',
    headersHint: 'Clave añade siempre la firma (X-Clave-Signature) y la clave de idempotencia; esas no se pueden cambiar.',
    noHeaders: 'Sin cabeceras adicionales.',
    headerName: 'Nombre de la cabecera',
    headerValue: 'Valor',
    addHeader: 'Añadir cabecera',
    removeHeader: 'Quitar la cabecera {{name}}',
    body: 'Cuerpo (plantilla)',
    bodyHint:
      'Vacío: el JSON estándar con la regla, el disparador y el registro. Los valores de los campos se escapan según el tipo de contenido.',
    noBody: 'Las peticiones GET y DELETE no llevan cuerpo.',
  },
  merge: {
    insert: 'Insertar campo de combinación',
    groups: { api: 'Valor del registro (como en la API)', display: 'Valor legible (etiquetas y nombres)', other: 'Otros' },
    other: {
      recordId: 'Id del registro',
      ownerName: 'Nombre del propietario',
      ownerEmail: 'Correo del propietario',
      meName: 'Nombre del dueño de la regla',
      meEmail: 'Correo del dueño de la regla',
      ruleId: 'Id de la regla',
      ruleName: 'Nombre de la regla',
      trigger: 'Disparador',
      module: 'Módulo',
    },
  },
  escalation: {
    reassign: 'Reasignar el caso a quien se escala',
    reassignHint:
      'El usuario indicado o el primero de los responsables. No cuando se avisa a los administradores por no encontrar a nadie.',
    setFields: 'Cambiar campos del caso',
    noSetFields: 'No cambia ningún campo.',
    addSetField: 'Añadir campo',
    removeSetField: 'Quitar el campo',
  },
};

const en: typeof es = {
  target: {
    label: 'Record',
    record: 'This record',
    lookup: '{{label}} (related record)',
    hint: 'With a related record, the record that field points to is updated; when it is empty, the action is skipped.',
  },
  webhook: {
    method: 'Method',
    contentType: 'Content type',
    contentTypes: { json: 'JSON', form: 'Form (x-www-form-urlencoded)', text: 'Plain text' },
    headers: 'Headers',
    headersHint: 'Clave always adds the signature (X-Clave-Signature) and the idempotency key; those cannot be changed.',
    noHeaders: 'No extra headers.',
    headerName: 'Header name',
    headerValue: 'Value',
    addHeader: 'Add header',
    removeHeader: 'Remove header {{name}}',
    body: 'Body (template)',
    bodyHint: 'Empty: the standard JSON with the rule, the trigger and the record. Field values are escaped for the content type.',
    noBody: 'GET and DELETE requests carry no body.',
  },
  merge: {
    insert: 'Insert merge field',
    groups: { api: 'Record value (as in the API)', display: 'Readable value (labels and names)', other: 'Other' },
    other: {
      recordId: 'Record id',
      ownerName: 'Owner’s name',
      ownerEmail: 'Owner’s e-mail',
      meName: 'Rule owner’s name',
      meEmail: 'Rule owner’s e-mail',
      ruleId: 'Rule id',
      ruleName: 'Rule name',
      trigger: 'Trigger',
      module: 'Module',
    },
  },
  escalation: {
    reassign: 'Reassign the case to whom it escalates',
    reassignHint: 'The named user, or the first of the managers. Not when the administrators are told because nobody was found.',
    setFields: 'Change fields of the case',
    noSetFields: 'No field is changed.',
    addSetField: 'Add field',
    removeSetField: 'Remove the field',
  },
};

export const actionEditorMessages = { es, en };
