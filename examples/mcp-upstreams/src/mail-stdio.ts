#!/usr/bin/env node
// The mail demo server over stdio (one connection per process).
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { createMailServer, Mailbox } from './mail.ts';

const mailbox = new Mailbox();
serveStdio(() => createMailServer({ mailbox }));
