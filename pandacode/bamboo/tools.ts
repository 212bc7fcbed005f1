/**
 * The tool set bamboo gives the model: read, list, search, edit, write and bash for a workspace,
 * plus `submit` when the task asks for structured output.
 *
 * @module
 */
import type { Tool, ToolSet } from "ai";
import type { Workspace } from "./jail.ts";
import { editTool, readTool, writeTool } from "./file_tools.ts";
import { listTool, searchTool } from "./explore_tools.ts";
import { bashTool } from "./bash_tool.ts";

/** Names of the workspace tools, in the order they are offered. */
export const TOOL_NAMES = ["read", "list", "search", "edit", "write", "bash"] as const;

/** The workspace tools, plus `submit` when given. */
export function buildTools(ws: Workspace, env: Record<string, string>, submit?: Tool): ToolSet {
  const tools: ToolSet = {
    read: readTool(ws),
    list: listTool(ws),
    search: searchTool(ws),
    edit: editTool(ws),
    write: writeTool(ws),
    bash: bashTool(ws.realRoot, env),
  };
  if (submit) tools.submit = submit;
  return tools;
}
