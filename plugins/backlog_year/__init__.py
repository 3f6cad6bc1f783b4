"""信访积案化解年 (seed 003): the campaign that works matter by matter — the 积案 of its scope,
each with 六清楚, 九个一, 五包, 60 working days, a class, and a 六有 dossier before 销号."""
