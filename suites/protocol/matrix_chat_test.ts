import { matrixTests } from "./_test_utils.ts";

matrixTests("chat");
