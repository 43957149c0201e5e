/**
 * Connecting to Temporal the same way from the API, the worker, the CLI and the tests:
 * a local dev server, a self-hosted cluster (mTLS) or Temporal Cloud (API key), by configuration alone.
 */
import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { DataConverter, SearchAttributeType } from '@temporalio/common';
import type { Config } from '../config';
import { ALL_SEARCH_ATTRIBUTES as SEARCH_ATTRIBUTES } from '../contracts/escalation';

type TemporalConfig = Config['temporal'];

function connectionOptions(cfg: TemporalConfig): ConnectionOptions {
  const tls = cfg.tls
    ? {
        ...(cfg.tls.serverName ? { serverNameOverride: cfg.tls.serverName } : {}),
        ...(cfg.tls.caPath ? { serverRootCACertificate: readFileSync(cfg.tls.caPath) } : {}),
        ...(cfg.tls.certPath && cfg.tls.keyPath
          ? { clientCertPair: { crt: readFileSync(cfg.tls.certPath), key: readFileSync(cfg.tls.keyPath) } }
          : {}),
      }
    : undefined;
  return {
    address: cfg.address,
    // An API key implies TLS (Temporal Cloud); otherwise TLS only when configured.
    ...(tls || cfg.apiKey ? { tls: tls ?? true } : {}),
    ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
  };
}

/** A client connection (API, CLI, tests), encrypting payloads with `dataConverter`. */
export async function connectClient(cfg: TemporalConfig, dataConverter?: DataConverter): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(cfg));
  return new Client({ connection, namespace: cfg.namespace, ...(dataConverter ? { dataConverter } : {}) });
}

/** A worker connection. */
export async function connectWorker(cfg: TemporalConfig): Promise<NativeConnection> {
  const { address, tls, apiKey } = connectionOptions(cfg);
  return NativeConnection.connect({ address, ...(tls ? { tls } : {}), ...(typeof apiKey === 'string' ? { apiKey } : {}) });
}

const INDEXED_TYPE: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/**
 * Registers the project's search attributes on a namespace, skipping those already there.
 * For the dev server and the test server; on Temporal Cloud, create them with tcld or the UI.
 */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
  keys: readonly { name: string; type: SearchAttributeType }[] = SEARCH_ATTRIBUTES,
): Promise<string[]> {
  const existing = await connection.operatorService
    .listSearchAttributes({ namespace })
    .then((r) => new Set(Object.keys(r.customAttributes ?? {})))
    .catch(() => new Set<string>()); // the time-skipping server lists nothing useful; adding is idempotent below
  const missing = keys.filter((k) => !existing.has(k.name));
  for (const key of missing) {
    try {
      await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { [key.name]: INDEXED_TYPE[key.type] } });
    } catch (err) {
      if (!/already exists/i.test((err as Error).message)) throw err;
    }
  }
  return missing.map((k) => k.name);
}
