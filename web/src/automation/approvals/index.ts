/** Approval processes in the web app: the record page's panel, the inbox and the e-mail link page, the nav badge. */
export { ApprovalPanel } from './components/approval-panel';
export { ApprovalsInboxPage } from './pages/approvals-inbox-page';
export { ApprovalLinkPage } from './pages/approval-link-page';
export { ApprovalsNavLink } from './components/approvals-nav-link';
export { useRecordLocked } from './api';
