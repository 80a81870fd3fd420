// Every page and its address. The chart library is the one part loaded on demand (Chart.tsx), so
// no page's first paint waits for it.
import { createBrowserRouter } from 'react-router';
import { AccountPage } from '../pages/AccountPage.tsx';
import { Accounts } from '../pages/Accounts.tsx';
import { Alarms } from '../pages/Alarms.tsx';
import { BreakPage } from '../pages/BreakPage.tsx';
import { Breaks } from '../pages/Breaks.tsx';
import { Dashboard } from '../pages/Dashboard.tsx';
import { FilePage } from '../pages/FilePage.tsx';
import { Files } from '../pages/Files.tsx';
import { Operations } from '../pages/Operations.tsx';
import { SignIn } from '../pages/SignIn.tsx';
import { Usage } from '../pages/Usage.tsx';
import { Layout } from './Layout.tsx';

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignIn /> },
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Dashboard /> },
      { path: '/breaks', element: <Breaks /> },
      { path: '/breaks/:id', element: <BreakPage /> },
      { path: '/accounts', element: <Accounts /> },
      { path: '/accounts/:accountId', element: <AccountPage /> },
      { path: '/files', element: <Files /> },
      { path: '/files/:id', element: <FilePage /> },
      { path: '/operations', element: <Operations /> },
      { path: '/alarms', element: <Alarms /> },
      { path: '/usage', element: <Usage /> },
    ],
  },
]);
