// Every page and its address. Pages with charts are loaded on demand, so the first paint of the
// sign-in page and the break list does not wait for the chart library.
import { lazy, type ReactNode, Suspense } from 'react';
import { createBrowserRouter } from 'react-router';
import { Loading } from '../components/States.tsx';
import { Accounts } from '../pages/Accounts.tsx';
import { Alarms } from '../pages/Alarms.tsx';
import { BreakPage } from '../pages/BreakPage.tsx';
import { Breaks } from '../pages/Breaks.tsx';
import { FilePage } from '../pages/FilePage.tsx';
import { Files } from '../pages/Files.tsx';
import { Operations } from '../pages/Operations.tsx';
import { SignIn } from '../pages/SignIn.tsx';
import { Layout } from './Layout.tsx';

const Dashboard = lazy(() => import('../pages/Dashboard.tsx'));
const AccountPage = lazy(() => import('../pages/AccountPage.tsx'));
const Usage = lazy(() => import('../pages/Usage.tsx'));

const later = (page: ReactNode) => <Suspense fallback={<Loading what="the page" />}>{page}</Suspense>;

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignIn /> },
  {
    element: <Layout />,
    children: [
      { path: '/', element: later(<Dashboard />) },
      { path: '/breaks', element: <Breaks /> },
      { path: '/breaks/:id', element: <BreakPage /> },
      { path: '/accounts', element: <Accounts /> },
      { path: '/accounts/:accountId', element: later(<AccountPage />) },
      { path: '/files', element: <Files /> },
      { path: '/files/:id', element: <FilePage /> },
      { path: '/operations', element: <Operations /> },
      { path: '/alarms', element: <Alarms /> },
      { path: '/usage', element: later(<Usage />) },
    ],
  },
]);
