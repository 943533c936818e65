// A throwaway clickhouse-server (Debian's 18.16 here) on 127.0.0.1: HTTP port only, data, logs
// and configuration in a temp directory that stop() removes.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary, freePort, removeDir, startChild, tempDir, waitFor, type Child } from './process.ts';

export const CLICKHOUSE_BINARY = findBinary(['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server']);

export interface ClickHouseServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  stop(): Promise<void>;
}

function config(dir: string, port: number): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/error.log</errorlog></logger>
  <http_port>${port}</http_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <max_concurrent_queries>100</max_concurrent_queries>
</yandex>
`;
}

const USERS = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`;

export async function startClickHouse(): Promise<ClickHouseServer> {
  if (CLICKHOUSE_BINARY === null) throw new Error('clickhouse-server is not installed');
  const dir = tempDir('sg-clickhouse-');
  const port = await freePort();
  writeFileSync(join(dir, 'config.xml'), config(dir, port));
  writeFileSync(join(dir, 'users.xml'), USERS);
  const child: Child = startChild(CLICKHOUSE_BINARY, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => (await fetch(`${url}/ping`)).ok,
      30_000,
      () => child.output(),
    );
  } catch (e) {
    await child.stop();
    removeDir(dir);
    throw e;
  }
  return {
    url,
    async stop() {
      await child.stop();
      removeDir(dir);
    },
  };
}
