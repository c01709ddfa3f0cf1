import { useEffect, useRef } from 'react';
import { Stack, Tabs, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconKey, IconLock, IconMail, IconShieldCheck, IconUser } from '@tabler/icons-react';
import { useNavigate, useRouterState } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../app/session';
import { EmailsTab } from '../components/emails-tab';
import { PasswordTab } from '../components/password-tab';
import { ProfileTab } from '../components/profile-tab';
import { TokensTab } from '../components/tokens-tab';
import { TwoFactorTab } from '../components/two-factor-tab';
import { PageLoader } from '../../components/page-loader';

const TABS = [
  { value: 'profile', label: 'tabs.profile', icon: IconUser },
  { value: 'emails', label: 'tabs.emails', icon: IconMail },
  { value: 'password', label: 'tabs.password', icon: IconLock },
  { value: 'two-factor', label: 'tabs.twoFactor', icon: IconShieldCheck },
  { value: 'tokens', label: 'tabs.tokens', icon: IconKey },
] as const;
type TabValue = (typeof TABS)[number]['value'];

/** My account. The open tab lives in the URL hash (/account#emails), so links and the back button reach it. */
export function AccountPage() {
  const { t } = useTranslation('account');
  const me = useMe();
  const navigate = useNavigate();
  const hash = useRouterState({ select: (state) => state.location.hash });
  const wide = useMediaQuery('(min-width: 62em)', true);
  const tab: TabValue = TABS.some((item) => item.value === hash) ? (hash as TabValue) : 'profile';
  const tabList = useRef<HTMLDivElement>(null);

  // On a phone the tabs scroll sideways: keep the open one in view (e.g. arriving at /account#tokens).
  useEffect(() => {
    tabList.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [tab, wide, me.data]);

  if (!me.data) {
    return <PageLoader />;
  }
  return (
    <Stack gap="lg" maw={1100}>
      <Stack gap={2}>
        <Title order={2}>{t('title')}</Title>
        <Text c="dimmed" size="sm">
          {t('subtitle')}
        </Text>
      </Stack>
      <Tabs
        value={tab}
        onChange={(value) => value && void navigate({ to: '/account', hash: value === 'profile' ? undefined : value, replace: true })}
        orientation={wide ? 'vertical' : 'horizontal'}
        keepMounted={false}
        variant={wide ? 'pills' : 'default'}
        styles={{ tabLabel: { textAlign: 'start' } }}
      >
        <Tabs.List
          ref={tabList}
          mb={wide ? 0 : 'lg'}
          mr={wide ? 'xl' : 0}
          miw={wide ? 220 : undefined}
          style={wide ? undefined : { flexWrap: 'nowrap', overflowX: 'auto', scrollbarWidth: 'none' }}
        >
          {TABS.map((item) => (
            <Tabs.Tab
              key={item.value}
              value={item.value}
              leftSection={<item.icon size={16} />}
              style={{ whiteSpace: 'nowrap', justifyContent: 'flex-start' }}
            >
              {t(item.label)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="profile">
          <ProfileTab me={me.data} />
        </Tabs.Panel>
        <Tabs.Panel value="emails">
          <EmailsTab />
        </Tabs.Panel>
        <Tabs.Panel value="password">
          <PasswordTab />
        </Tabs.Panel>
        <Tabs.Panel value="two-factor">
          <TwoFactorTab me={me.data} />
        </Tabs.Panel>
        <Tabs.Panel value="tokens">
          <TokensTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
