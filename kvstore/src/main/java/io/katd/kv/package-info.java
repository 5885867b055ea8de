/**
 * katd's embedded key-value API: {@link io.katd.kv.StateStore}, its immutable values ({@link
 * io.katd.kv.KV}, {@link io.katd.kv.WatchEvent}, {@link io.katd.kv.Compare}, {@link
 * io.katd.kv.Op}, ...) and its exceptions, implemented over Raft by {@link
 * io.katd.kv.RaftStateStore}.
 *
 * <pre>{@code
 * KvStateMachine sm = new KvStateMachine(id, MvccStore.open(backend), scratchDir,
 *         System::nanoTime, WatchConfig.defaults(), watchDeliveryPool);
 * RaftNode<KvResult> node = new RaftNode<>(config, durableLog, transport, sm);
 * StateStore store = new RaftStateStore(node, sm, new RaftStateStore.Options("node-1",
 *         scheduler, Duration.ofMillis(500), Duration.ofSeconds(10)));   // starts the node
 * store.put(key, value).join();
 * Leadership l = store.campaign("scheduler-a", Duration.ofSeconds(10)).join();
 * l.put(jobKey, job);                  // fenced by l.term(); l.lost() fires on step-down
 * }</pre>
 *
 * <p>Reads: linearizable reads ask the node for a ReadIndex and read the local state machine
 * once it has applied that far; serializable reads skip the ReadIndex. Either way the read
 * runs on the thread that completes the future, under the state machine's lock.
 */
package io.katd.kv;
