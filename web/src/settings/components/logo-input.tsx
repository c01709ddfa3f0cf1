import { useState } from 'react';
import { Box, Button, FileButton, Group, Image, Input, Stack, Text } from '@mantine/core';
import { IconPhoto, IconTrash, IconUpload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

/** The largest logo the organization keeps, as a data: URL. */
export const MAX_LOGO_BYTES = 200 * 1024;
const MAX_SIDE = 256;

/**
 * Draws the picture on a canvas no larger than 256 px a side and returns the
 * first encoding that fits in 200 KB (PNG, then WebP and JPEG at falling
 * quality, then smaller sizes).
 */
export async function resizeLogo(file: File): Promise<string> {
  const url = URL.createObjectURL(file);
  try {
    const image = new window.Image();
    image.src = url;
    await image.decode();
    const width = image.naturalWidth || MAX_SIDE;
    const height = image.naturalHeight || MAX_SIDE;
    for (let side = MAX_SIDE; side >= 32; side = Math.round(side * 0.75)) {
      const scale = Math.min(1, side / Math.max(width, height));
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(width * scale));
      canvas.height = Math.max(1, Math.round(height * scale));
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no canvas');
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      const attempts: Array<[string, number | undefined]> = [
        ['image/png', undefined],
        ['image/webp', 0.9],
        ['image/webp', 0.75],
        ['image/jpeg', 0.8],
      ];
      for (const [type, quality] of attempts) {
        const data = canvas.toDataURL(type, quality);
        if (data.startsWith(`data:${type}`) && data.length <= MAX_LOGO_BYTES) return data;
      }
    }
    throw new Error('too large');
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Logo picker: a preview, "upload" and "remove"; the picture is shrunk in the browser before it is sent. */
export function LogoInput({
  value,
  onChange,
  error,
  disabled,
}: {
  value: string | null;
  onChange: (logo: string | null) => void;
  error?: string;
  disabled?: boolean;
}) {
  const { t } = useTranslation('settings');
  const [busy, setBusy] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);

  async function handleFile(file: File | null) {
    if (!file) return;
    setReadError(null);
    if (!file.type.startsWith('image/')) {
      setReadError(t('organization.general.logoNotImage'));
      return;
    }
    setBusy(true);
    try {
      onChange(await resizeLogo(file));
    } catch {
      setReadError(t('organization.general.logoUnreadable'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Input.Wrapper label={t('organization.general.logo')} description={t('organization.general.logoHint')} error={error ?? readError}>
      <Group gap="md" mt={6} wrap="nowrap">
        <Box
          w={72}
          h={72}
          style={{
            border: '1px solid var(--mantine-color-gray-3)',
            borderRadius: 8,
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            overflow: 'hidden',
            flexShrink: 0,
          }}
          bg="gray.0"
        >
          {value ? (
            <Image src={value} alt={t('organization.general.logoPreview')} fit="contain" w={68} h={68} />
          ) : (
            <IconPhoto size={28} color="var(--mantine-color-gray-5)" aria-hidden />
          )}
        </Box>
        <Stack gap={6}>
          <Group gap="xs">
            <FileButton
              onChange={(file) => void handleFile(file)}
              accept="image/png,image/jpeg,image/webp,image/gif,image/svg+xml"
              disabled={disabled}
            >
              {(props) => (
                <Button {...props} variant="default" size="xs" leftSection={<IconUpload size={14} />} loading={busy} disabled={disabled}>
                  {value ? t('organization.general.logoChange') : t('organization.general.logoUpload')}
                </Button>
              )}
            </FileButton>
            {value && (
              <Button
                variant="subtle"
                color="red"
                size="xs"
                leftSection={<IconTrash size={14} />}
                onClick={() => onChange(null)}
                disabled={disabled}
              >
                {t('organization.general.logoRemove')}
              </Button>
            )}
          </Group>
          {value && (
            <Text size="xs" c="dimmed">
              {t('organization.general.logoSize', { size: Math.ceil(value.length / 1024) })}
            </Text>
          )}
        </Stack>
      </Group>
    </Input.Wrapper>
  );
}
