export { LineItemsEditor } from './line-items-editor';
export { DOCUMENT_MODULES, isDocumentModule } from './use-line-items';
export { inventoryRoutes } from './routes';
