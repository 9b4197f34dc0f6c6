†
"serve*2.192

xPlaceholder*
dtype0

yRelux"Ú*A
serving_default.

in
x:0ÿÿÿÿÿÿÿÿÿ
out
y:0