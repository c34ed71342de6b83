import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { z } from 'zod';
import App from './App.vue';
import './styles/tokens.css';
import './styles/base.css';

// zod probes for eval with `new Function` unless told not to; the strict CSP refuses eval.
z.config({ jitless: true });

createApp(App).use(createPinia()).mount('#app');
