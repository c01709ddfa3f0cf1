import { useEffect, useMemo, useState } from 'react';
import { ActionIcon, Alert, Button, Group, Loader, Paper, Select, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconFileTypePdf, IconPlus, IconTransform, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../app/api';
import { errorMessage, fieldError } from '../../app/errors';
import {
  isDocumentModule,
  useConvertDocument,
  useLineItems,
  useProductSearch,
  useSaveLineItems,
  type LineItem,
  type LineItemInput,
  type ProductOption,
} from './use-line-items';

/** A row being edited: decimals stay text (no floats in the browser either); amounts come from the server. */
interface Row {
  key: string;
  productId: string | null;
  productName: string | null;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  discountKind: 'percent' | 'amount';
  taxRate: string;
  saved: LineItem | null;
}

let rowCounter = 0;
const newKey = () => `row-${++rowCounter}`;
const zero = (value: string) => /^0*(\.0*)?$/.test(value);

function rowOf(item: LineItem, display: Record<string, string>): Row {
  const amount = !zero(item.discount_amount);
  return {
    key: item.id,
    productId: item.product_id,
    productName: item.product_id ? (display[item.product_id] ?? null) : null,
    description: item.description,
    quantity: item.quantity,
    unitPrice: item.unit_price,
    discount: amount ? item.discount_amount : zero(item.discount_percent) ? '' : item.discount_percent,
    discountKind: amount ? 'amount' : 'percent',
    taxRate: item.tax_rate,
    saved: item,
  };
}

const emptyRow = (): Row => ({
  key: newKey(),
  productId: null,
  productName: null,
  description: '',
  quantity: '1',
  unitPrice: '',
  discount: '',
  discountKind: 'percent',
  taxRate: '',
  saved: null,
});

/** "1.250,5" or "1250,50" as typed in Spanish → "1250.50"-style text for the API. */
function decimalText(value: string): string {
  const text = value.trim().replace(/\s/g, '');
  if (text.includes(',')) return text.replace(/\./g, '').replace(',', '.');
  return text;
}

function toInput(row: Row): LineItemInput {
  const input: LineItemInput = { product_id: row.productId, description: row.description, quantity: decimalText(row.quantity) };
  if (row.unitPrice.trim()) input.unit_price = decimalText(row.unitPrice);
  if (row.taxRate.trim()) input.tax_rate = decimalText(row.taxRate);
  if (row.discount.trim()) {
    if (row.discountKind === 'amount') input.discount_amount = decimalText(row.discount);
    else input.discount_percent = decimalText(row.discount);
  }
  return input;
}

function useMoney(currency: string | null) {
  return useMemo(() => {
    const code = currency ?? 'EUR';
    return (amount: string) => {
      try {
        // A decimal string is formatted exactly (no float in between).
        return new Intl.NumberFormat('es-ES', { style: 'currency', currency: code, useGrouping: 'always' }).format(
          amount as unknown as number,
        );
      } catch {
        return `${amount} ${code}`;
      }
    };
  }, [currency]);
}

function ProductPicker({ row, onPick, label }: { row: Row; onPick: (product: ProductOption | null) => void; label: string }) {
  const { t } = useTranslation('inventory');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const products = useProductSearch(debounced);
  const options = products.data ?? [];
  const data = options.map((product) => ({ value: product.id, label: product.name }));
  if (row.productId && !data.some((option) => option.value === row.productId))
    data.unshift({ value: row.productId, label: row.productName ?? row.productId });
  return (
    <Select
      aria-label={label}
      placeholder={t('productPlaceholder')}
      searchable
      clearable
      data={data}
      value={row.productId}
      onSearchChange={setSearch}
      nothingFoundMessage={products.isFetching ? <Loader size="xs" /> : t('noProducts')}
      onChange={(value) => onPick(value ? (options.find((product) => product.id === value) ?? null) : null)}
      miw={150}
    />
  );
}

/**
 * The line items of a quote, sales order, purchase order or invoice: pick a
 * product or write a line, set quantity, price, discount and tax; the server
 * computes the line totals and the document's totals when the lines are saved.
 */
export function LineItemsEditor({ module, recordId, readOnly = false }: { module: string; recordId: string; readOnly?: boolean }) {
  const { t } = useTranslation('inventory');
  const query = useLineItems(module, recordId);
  const save = useSaveLineItems(module, recordId);
  const convert = useConvertDocument(isDocumentModule(module) ? module : 'quotes', recordId);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [dirty, setDirty] = useState(false);
  const money = useMoney(query.data?.currency ?? null);

  useEffect(() => {
    if (query.data && !dirty) setRows(query.data.data.map((item) => rowOf(item, query.data.display)));
  }, [query.data, dirty]);

  if (!isDocumentModule(module)) return <Alert color="gray">{t('notDocument')}</Alert>;
  if (query.isPending || !rows) return <Loader />;
  if (query.isError) return <Alert color="red">{errorMessage(query.error, t)}</Alert>;

  const update = (key: string, patch: Partial<Row>) => {
    setDirty(true);
    setRows((current) => (current ?? []).map((row) => (row.key === key ? { ...row, ...patch, saved: null } : row)));
  };
  const pick = (row: Row, product: ProductOption | null) =>
    update(row.key, {
      productId: product?.id ?? null,
      productName: product?.name ?? null,
      // What the line leaves empty comes from the product (the server does the same).
      description: row.description || product?.name || '',
      unitPrice: row.unitPrice || product?.unit_price || '',
      taxRate: row.taxRate || product?.tax_rate || '',
    });
  const cellError = (index: number, field: string) => fieldError(save.error, `items[${index}].${field}`);
  const otherError =
    save.error && !(save.error instanceof ApiError && save.error.field?.startsWith('items[')) ? errorMessage(save.error, t) : null;

  function handleSave() {
    save.mutate((rows ?? []).map(toInput), {
      onSuccess: (data) => {
        setDirty(false);
        setRows(data.data.map((item) => rowOf(item, data.display)));
        notifications.show({ color: 'green', message: t('saved'), autoClose: 3000 });
      },
    });
  }

  function handleConvert() {
    convert.mutate(undefined, {
      onSuccess: ({ id }) => {
        notifications.show({ color: 'green', message: t('converted'), autoClose: 3000 });
        window.location.assign(`/records/${module === 'quotes' ? 'sales_orders' : 'invoices'}/${id}`);
      },
      onError: (error) => notifications.show({ color: 'red', message: errorMessage(error, t), autoClose: 6000 }),
    });
  }

  const totals = query.data.totals;
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text fw={600}>{t('title')}</Text>
        <Group gap="xs">
          {(module === 'quotes' || module === 'sales_orders') && !readOnly && (
            <Button
              variant="default"
              leftSection={<IconTransform size={16} />}
              onClick={handleConvert}
              loading={convert.isPending}
              disabled={dirty}
            >
              {module === 'quotes' ? t('toSalesOrder') : t('toInvoice')}
            </Button>
          )}
          <Button
            component="a"
            variant="default"
            leftSection={<IconFileTypePdf size={16} />}
            href={`/api/v1/records/${module}/${recordId}/pdf`}
            target="_blank"
            rel="noopener"
          >
            {t('pdf')}
          </Button>
        </Group>
      </Group>
      <Paper withBorder radius="md" p="xs" style={{ overflowX: 'auto' }}>
        <Table verticalSpacing="xs" horizontalSpacing="xs" miw={860}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('columns.product')}</Table.Th>
              <Table.Th>{t('columns.description')}</Table.Th>
              <Table.Th>{t('columns.quantity')}</Table.Th>
              <Table.Th>{t('columns.unitPrice')}</Table.Th>
              <Table.Th>{t('columns.discount')}</Table.Th>
              <Table.Th>{t('columns.tax')}</Table.Th>
              <Table.Th ta="right">{t('columns.total')}</Table.Th>
              {!readOnly && <Table.Th aria-label={t('columns.actions')} />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={8}>
                  <Text size="sm" c="dimmed">
                    {t('empty')}
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
            {rows.map((row, index) => (
              <Table.Tr key={row.key}>
                <Table.Td>
                  {readOnly ? (
                    (row.productName ?? '')
                  ) : (
                    <ProductPicker row={row} onPick={(product) => pick(row, product)} label={`${t('columns.product')} ${index + 1}`} />
                  )}
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`${t('columns.description')} ${index + 1}`}
                    value={row.description}
                    readOnly={readOnly}
                    onChange={(event) => update(row.key, { description: event.currentTarget.value })}
                    error={cellError(index, 'description')}
                    miw={140}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`${t('columns.quantity')} ${index + 1}`}
                    inputMode="decimal"
                    value={row.quantity}
                    readOnly={readOnly}
                    onChange={(event) => update(row.key, { quantity: event.currentTarget.value })}
                    error={cellError(index, 'quantity')}
                    w={80}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`${t('columns.unitPrice')} ${index + 1}`}
                    inputMode="decimal"
                    value={row.unitPrice}
                    readOnly={readOnly}
                    onChange={(event) => update(row.key, { unitPrice: event.currentTarget.value })}
                    error={cellError(index, 'unit_price')}
                    w={100}
                  />
                </Table.Td>
                <Table.Td>
                  <Group gap={4} wrap="nowrap">
                    <TextInput
                      aria-label={`${t('columns.discount')} ${index + 1}`}
                      inputMode="decimal"
                      value={row.discount}
                      readOnly={readOnly}
                      onChange={(event) => update(row.key, { discount: event.currentTarget.value })}
                      error={cellError(index, row.discountKind === 'amount' ? 'discount_amount' : 'discount_percent')}
                      w={80}
                    />
                    <Select
                      aria-label={`${t('columns.discount')} ${index + 1} ·`}
                      data={[
                        { value: 'percent', label: t('discountKind.percent') },
                        { value: 'amount', label: t('discountKind.amount') },
                      ]}
                      value={row.discountKind}
                      readOnly={readOnly}
                      allowDeselect={false}
                      onChange={(value) => update(row.key, { discountKind: value === 'amount' ? 'amount' : 'percent' })}
                      w={90}
                    />
                  </Group>
                </Table.Td>
                <Table.Td>
                  <TextInput
                    aria-label={`${t('columns.tax')} ${index + 1}`}
                    inputMode="decimal"
                    value={row.taxRate}
                    readOnly={readOnly}
                    onChange={(event) => update(row.key, { taxRate: event.currentTarget.value })}
                    error={cellError(index, 'tax_rate')}
                    w={70}
                  />
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" ff="monospace">
                    {row.saved ? money(row.saved.total) : '—'}
                  </Text>
                </Table.Td>
                {!readOnly && (
                  <Table.Td>
                    <Tooltip label={t('removeLine', { n: index + 1 })}>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={t('removeLine', { n: index + 1 })}
                        onClick={() => {
                          setDirty(true);
                          setRows(rows.filter((other) => other.key !== row.key));
                        }}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
      {otherError && <Alert color="red">{otherError}</Alert>}
      {!readOnly && (
        <Group gap="xs">
          <Button
            variant="default"
            leftSection={<IconPlus size={16} />}
            onClick={() => {
              setDirty(true);
              setRows([...rows, emptyRow()]);
            }}
          >
            {t('addLine')}
          </Button>
          <Button onClick={handleSave} loading={save.isPending} disabled={!dirty}>
            {t('save')}
          </Button>
          {dirty && (
            <Text size="sm" c="dimmed">
              {t('unsaved')}
            </Text>
          )}
        </Group>
      )}
      <Group justify="flex-end">
        <Table w={300} withRowBorders={false} aria-label={t('totals.grand_total')}>
          <Table.Tbody>
            {(['subtotal', 'discount_total', 'tax_total', 'grand_total'] as const).map((name) => (
              <Table.Tr key={name}>
                <Table.Td fw={name === 'grand_total' ? 700 : undefined}>{t(`totals.${name}`)}</Table.Td>
                <Table.Td ta="right" ff="monospace" fw={name === 'grand_total' ? 700 : undefined}>
                  {money(totals[name])}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Group>
    </Stack>
  );
}
