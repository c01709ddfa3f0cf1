import { createRoute, type AnyRoute } from '@tanstack/react-router';
import { LineItemsPage } from './line-items-page';

/** Pages of the inventory documents: the line items of one document on their own (the record page also shows them). */
export function inventoryRoutes(parent: AnyRoute) {
  // A plain string path, like the other feature routes, so the router's global types stay loose.
  const path: string = '/records/$module/$id/items';
  return [createRoute({ getParentRoute: () => parent, path, component: LineItemsPage })];
}
