import { reportersFor } from '../../vitest.shared.js';
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { ...reportersFor(import.meta.dirname) } });
