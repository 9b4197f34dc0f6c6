
.
xPlaceholder*
dtype0*
shape:
?
enterEnterx*
T0*#

frame_namewhile/while_context
-
mergeMergeenternext*
T0*
N

bodyRelumerge*
T0
$
nextNextIterationbody*
T0