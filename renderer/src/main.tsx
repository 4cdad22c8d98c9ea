import { createRoot } from 'react-dom/client';
import { findBridge } from './client/ipc-client';
import { takeToken } from './client/token';
import { Root } from './Root';
import './styles.css';

const bridge = findBridge(window);
const initialToken = bridge ? null : takeToken(location, history, sessionStorage);
if (localStorage.getItem('risk-desk.theme') === 'light') document.documentElement.classList.add('light');

createRoot(document.getElementById('root')!).render(<Root bridge={bridge} initialToken={initialToken} storage={sessionStorage} />);
