import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { readPortalLink } from './session/link.ts';
import { applyTheme } from './theme/theme.ts';
import { reportHeightToParent } from './theme/frame-height.ts';
import './theme/portal.css';

const link = readPortalLink();
applyTheme(link.theme, link.look);
reportHeightToParent();
createRoot(document.getElementById('root')!).render(<App token={link.token} />);
