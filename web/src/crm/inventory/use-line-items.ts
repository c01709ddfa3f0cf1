import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../app/api';

export const DOCUMENT_MODULES = ['quotes', 'sales_orders', 'purchase_orders', 'invoices'] as const;
export type DocumentModule = (typeof DOCUMENT_MODULES)[number];
export const isDocumentModule = (module: string): module is DocumentModule => (DOCUMENT_MODULES as readonly string[]).includes(module);

/** A line as the server stores it: decimals are exact strings, amounts computed by the server. */
export interface LineItem {
  id: string;
  position: number;
  product_id: string | null;
  description: string;
  quantity: string;
  unit_price: string;
  discount_percent: string;
  discount_amount: string;
  tax_rate: string;
  gross: string;
  discount: string;
  net: string;
  tax: string;
  total: string;
}

export interface Totals {
  subtotal: string;
  discount_total: string;
  tax_total: string;
  grand_total: string;
}

export interface LineItems {
  data: LineItem[];
  totals: Totals;
  currency: string | null;
  display: Record<string, string>;
}

export interface LineItemInput {
  product_id: string | null;
  description: string;
  quantity: string;
  unit_price?: string;
  discount_percent?: string;
  discount_amount?: string;
  tax_rate?: string;
}

export interface ProductOption {
  id: string;
  name: string;
  unit_price: string | null;
  tax_rate: string | null;
}

const key = (module: string, id: string) => ['inventory', 'line-items', module, id] as const;

export function useLineItems(module: string, id: string) {
  return useQuery({ queryKey: key(module, id), queryFn: () => api.get<LineItems>(`/records/${module}/${id}/line-items`) });
}

export function useSaveLineItems(module: string, id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (items: LineItemInput[]) => api.put<LineItems>(`/records/${module}/${id}/line-items`, { items }),
    onSuccess: (data) => {
      client.setQueryData(key(module, id), data);
      // The document's totals changed too.
      void client.invalidateQueries({ queryKey: ['records'] });
    },
  });
}

/** Products whose name contains `search` (the first 20), for the product picker. */
export function useProductSearch(search: string) {
  return useQuery({
    queryKey: ['inventory', 'products', search],
    queryFn: async () => {
      const filter = search.trim() ? { field: 'name', op: 'contains', value: search.trim() } : undefined;
      const result = await api.post<{ data: ProductOption[] }>('/records/products/query', {
        filter,
        limit: 20,
        fields: ['name', 'unit_price', 'tax_rate'],
        sort: [{ field: 'name', direction: 'asc' }],
      });
      return result.data;
    },
    staleTime: 30_000,
  });
}

export function useConvertDocument(module: DocumentModule, id: string) {
  return useMutation({
    mutationFn: () =>
      api.post<{ id: string }>(module === 'quotes' ? `/records/quotes/${id}/to-sales-order` : `/records/sales_orders/${id}/to-invoice`),
  });
}
