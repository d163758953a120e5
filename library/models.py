"""The policy library (申报指南, 汇编, 政策明白纸, 流程图, 培训视频) and the 一企一策 packages built from an
enterprise's staff structure by its service commissioner.
"""
