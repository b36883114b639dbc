import { coverageTest, matrixTests } from "./_test_utils.ts";

matrixTests("kv");
coverageTest();
