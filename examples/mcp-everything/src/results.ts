import type { CallToolResult } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** A tool result of one text block. */
export const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

/** The input schema of a tool that takes no arguments. */
export const noArgs = z.object({});
