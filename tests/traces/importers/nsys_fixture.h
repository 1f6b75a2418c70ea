#pragma once
// Builds Nsight Systems SQLite exports for tests. No test reads the real export in
// tests/data/real/nsys yet, so the tables are created with the column layout of the documented
// export schema (nsys 2024.6, EXPORT_SCHEMA_VERSION 3.16.1: `.schema` of a real export), keeping
// the columns the importer reads and a few it ignores.
#include <sqlite3.h>

#include <stdexcept>
#include <string>

namespace rafter::test {

inline const char* kNsysSchema = R"SQL(
CREATE TABLE StringIds (id INTEGER NOT NULL PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE META_DATA_EXPORT (name TEXT NOT NULL, value TEXT);
CREATE TABLE TARGET_INFO_SESSION_START_TIME (utcEpochNs INTEGER, utcTime TEXT, localTime TEXT);
CREATE TABLE TARGET_INFO_SYSTEM_ENV (globalVid INTEGER, devStateName TEXT NOT NULL, name TEXT NOT NULL,
    nameEnum INTEGER NOT NULL, value TEXT NOT NULL);
CREATE TABLE TARGET_INFO_GPU (vmId INTEGER NOT NULL, id INTEGER NOT NULL, name TEXT, busLocation TEXT,
    totalMemory INTEGER, smCount INTEGER, chipName TEXT, cuDevice INTEGER, computeMajor INTEGER,
    computeMinor INTEGER);
CREATE TABLE ENUM_NSYS_EVENT_TYPE (id INTEGER NOT NULL PRIMARY KEY, name TEXT, label TEXT);
INSERT INTO ENUM_NSYS_EVENT_TYPE VALUES(34,'NvtxMark','NvtxMark');
INSERT INTO ENUM_NSYS_EVENT_TYPE VALUES(59,'NvtxPushPopRange','NvtxPushPopRange');
INSERT INTO ENUM_NSYS_EVENT_TYPE VALUES(60,'NvtxStartEndRange','NvtxStartEndRange');
CREATE TABLE CUPTI_ACTIVITY_KIND_KERNEL (start INTEGER NOT NULL, end INTEGER NOT NULL,
    deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL, greenContextId INTEGER, streamId INTEGER NOT NULL,
    correlationId INTEGER, globalPid INTEGER, demangledName INTEGER NOT NULL, shortName INTEGER NOT NULL,
    mangledName INTEGER, launchType INTEGER, cacheConfig INTEGER, registersPerThread INTEGER NOT NULL,
    gridX INTEGER NOT NULL, gridY INTEGER NOT NULL, gridZ INTEGER NOT NULL, blockX INTEGER NOT NULL,
    blockY INTEGER NOT NULL, blockZ INTEGER NOT NULL, staticSharedMemory INTEGER NOT NULL,
    dynamicSharedMemory INTEGER NOT NULL, localMemoryPerThread INTEGER NOT NULL,
    localMemoryTotal INTEGER NOT NULL, gridId INTEGER NOT NULL, sharedMemoryExecuted INTEGER,
    graphNodeId INTEGER, sharedMemoryLimitConfig INTEGER);
CREATE TABLE CUPTI_ACTIVITY_KIND_RUNTIME (start INTEGER NOT NULL, end INTEGER NOT NULL,
    eventClass INTEGER NOT NULL, globalTid INTEGER, correlationId INTEGER, nameId INTEGER NOT NULL,
    returnValue INTEGER NOT NULL, callchainId INTEGER);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMCPY (start INTEGER NOT NULL, end INTEGER NOT NULL,
    deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL, greenContextId INTEGER, streamId INTEGER NOT NULL,
    correlationId INTEGER, globalPid INTEGER, bytes INTEGER NOT NULL, copyKind INTEGER NOT NULL,
    deprecatedSrcId INTEGER, srcKind INTEGER, dstKind INTEGER, srcDeviceId INTEGER, srcContextId INTEGER,
    dstDeviceId INTEGER, dstContextId INTEGER, migrationCause INTEGER, graphNodeId INTEGER,
    virtualAddress INTEGER);
CREATE TABLE CUPTI_ACTIVITY_KIND_MEMSET (start INTEGER NOT NULL, end INTEGER NOT NULL,
    deviceId INTEGER NOT NULL, contextId INTEGER NOT NULL, greenContextId INTEGER, streamId INTEGER NOT NULL,
    correlationId INTEGER, globalPid INTEGER, value INTEGER NOT NULL, bytes INTEGER NOT NULL,
    graphNodeId INTEGER, memKind INTEGER);
CREATE TABLE NVTX_EVENTS (start INTEGER NOT NULL, end INTEGER, eventType INTEGER NOT NULL, rangeId INTEGER,
    category INTEGER, color INTEGER, text TEXT, globalTid INTEGER, endGlobalTid INTEGER, textId INTEGER,
    domainId INTEGER, uint64Value INTEGER, int64Value INTEGER, doubleValue REAL, uint32Value INTEGER,
    int32Value INTEGER, floatValue REAL, jsonTextId INTEGER, jsonText TEXT, binaryData TEXT);
)SQL";

// globalTid of process 4242, thread 4243 (nsys: pid in bits 24-47, tid in bits 0-23).
constexpr long long kGlobalTid = (4242LL << 24) | 4243LL;

inline const std::string kNsysRows = R"SQL(
INSERT INTO META_DATA_EXPORT VALUES('EXPORT_SCHEMA_VERSION','3.16.1');
INSERT INTO META_DATA_EXPORT VALUES('EXPORT_PRODUCT_VERSION','2024.6.2.225');
INSERT INTO TARGET_INFO_SESSION_START_TIME VALUES(1700000000123456789,'t','t');
INSERT INTO TARGET_INFO_SYSTEM_ENV VALUES(0,'','Hostname',1,'gpu-node-7');
INSERT INTO TARGET_INFO_GPU VALUES(0,0,'NVIDIA A100-SXM4-80GB','0000:07:00.0',85899345920,108,'GA100',0,8,0);
INSERT INTO StringIds VALUES(1,'void gemm_kernel<float>(float*, float const*)');
INSERT INTO StringIds VALUES(2,'gemm_kernel');
INSERT INTO StringIds VALUES(3,'cudaLaunchKernel_v7000');
INSERT INTO StringIds VALUES(4,'cudaMemcpyAsync_v3020');
INSERT INTO StringIds VALUES(5,'backward');
INSERT INTO StringIds VALUES(6,'ncclDevKernel_AllReduce_Sum_f32_RING_LL(ncclDevComm*, unsigned long, ncclWork*)');
INSERT INTO StringIds VALUES(7,'ncclDevKernel_AllReduce_Sum_f32_RING_LL');
INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES(1000,3500,0,1,NULL,7,101,0,1,2,NULL,0,0,64,120,1,1,256,1,1,1024,2048,0,0,1,NULL,NULL,NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES(4000,4800,0,1,NULL,7,102,0,1,2,NULL,0,0,64,240,2,1,128,1,1,0,0,0,0,2,NULL,NULL,NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_KERNEL VALUES(5000,9000,0,1,NULL,21,103,0,6,7,NULL,0,0,96,8,1,1,544,1,1,0,87568,0,0,3,NULL,NULL,NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES(900,1100,0,)SQL" + std::to_string(kGlobalTid) + R"SQL(,101,3,0,NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES(3900,4100,0,)SQL" + std::to_string(kGlobalTid) + R"SQL(,102,3,0,NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_RUNTIME VALUES(9500,9700,0,)SQL" + std::to_string(kGlobalTid) + R"SQL(,104,4,0,NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES(9800,10800,0,1,NULL,7,104,0,4194304,2,NULL,2,1,0,1,0,1,NULL,NULL,NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_MEMCPY VALUES(200,700,0,1,NULL,7,99,0,65536,1,NULL,1,2,0,1,0,1,NULL,NULL,NULL);
INSERT INTO CUPTI_ACTIVITY_KIND_MEMSET VALUES(800,850,0,1,NULL,7,100,0,0,4096,NULL,2);
INSERT INTO NVTX_EVENTS VALUES(500,9900,59,NULL,NULL,NULL,'forward',)SQL" + std::to_string(kGlobalTid) + R"SQL(,NULL,NULL,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO NVTX_EVENTS VALUES(600,800,59,NULL,NULL,NULL,NULL,)SQL" + std::to_string(kGlobalTid) + R"SQL(,NULL,5,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO NVTX_EVENTS VALUES(650,NULL,34,NULL,NULL,NULL,'a mark',)SQL" + std::to_string(kGlobalTid) + R"SQL(,NULL,NULL,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
INSERT INTO NVTX_EVENTS VALUES(700,NULL,60,NULL,NULL,NULL,'never ended',)SQL" + std::to_string(kGlobalTid) + R"SQL(,NULL,NULL,0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL,NULL);
)SQL";

// Creates `path` (replacing it) and runs the SQL scripts in order.
inline void make_sqlite(const std::string& path, const std::string& sql) {
    std::remove(path.c_str());
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) throw std::runtime_error("sqlite3_open " + path);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error("sqlite: " + msg);
}

} // namespace rafter::test
